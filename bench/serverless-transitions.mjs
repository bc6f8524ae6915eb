// What a run costs under Step Functions: state transitions (what Standard workflows bill),
// Lambda invocations and Lambda seconds per run, for a query of 5 s and one of 10 min, with the
// generated definition and the run-step poll policies, with and without polling in the task
// (`serverless.pollInTaskSeconds`), against the sample's fixed 15 s Wait loop; a $ estimate per
// run at the list prices below and the memory deploy/aws gives each function; plus the Lambda bundles' sizes and their cold start measured
// here (import + first call).
//
// The generated definition runs in aws-local-stepfunctions; its Tasks answer as the run-step
// handler does for a query that ends after D seconds of (simulated) time: the Waits move the
// clock by the seconds they ask for, polling in the task by the in-task policy (IN_TASK_POLL)
// within the budget, so the time is counted, not spent. Needs `npm run build`
// (the bench builds the Lambda bundles itself).
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { dist, ROOT, tempDir } from './lib.mjs';

if (!('withResolvers' in Promise)) {
  Promise.withResolvers = function withResolvers() {
    let resolve, reject;
    const promise = new Promise((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  };
}

const SAMPLE_WAIT_SECONDS = 15;
const QUERIES = { query5s: 5, query10min: 600 };
/**
 * List prices (us-east-1, 2025): Step Functions Standard $0.025 per 1,000 state transitions;
 * Lambda arm64 $0.0000133334 per GB-second and $0.20 per million requests. Memory: as deploy/aws
 * sizes the functions (src/serverless/function-sizing.ts: run-step for the steps, its poller for
 * the AwaitQuery Task), and, for comparison, one 1024 MB function for every Task (the previous
 * deployment).
 */
const PRICE = { transition: 0.025 / 1000, gbSecond: 0.0000133334, request: 0.2 / 1e6 };
/** Assumed billed time of an invocation that does one step without waiting (a few DynamoDB and service calls). */
const STEP_SECONDS = 0.2;

async function modules() {
  const [{ StateMachine }, sm, rs, sp, pd, sc, sz] = await Promise.all([
    import('aws-local-stepfunctions'),
    import(dist('serverless/state-machine.js')),
    import(dist('serverless/run-step.js')),
    import(dist('serverless/step-protocol.js')),
    import(dist('engine/poll-delays.js')),
    import(dist('domain/serverless-config.js')),
    import(dist('serverless/function-sizing.js')),
  ]);
  return { StateMachine, ...sm, ...rs, ...sp, ...pd, ...sc, ...sz };
}

/** One execution of the generated definition for a query of `querySeconds`, each AwaitQuery polling in the task for up to `budgetSeconds`. */
async function generatedRun(m, querySeconds, budgetSeconds) {
  const definition = m.stateMachineDefinition({
    runStepFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:adp-run-step',
    pollFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:adp-run-step-poller',
  });
  const none = { failure: '', seconds: 0, status: '', error: '', cause: '' };
  let clock = 0; // seconds since the query started
  let polls = 0; // the run's poll count (run.context.polls)
  let engineCalls = 0;
  let invocations = 0;
  let lambdaSeconds = 0; // the run-step function's (every Task but AwaitQuery)
  let pollSeconds = 0; // the poller's (AwaitQuery)
  let asked = 0;
  const answer = (a) => ((asked = a.seconds), { ...none, ...a });
  const step = (a) => ((lambdaSeconds += STEP_SECONDS), answer(a));
  const tasks = {
    Retrieve: () => step({ kind: 'step', step: 'validate' }),
    Validate: () => step({ kind: 'step', step: 'startQuery' }),
    StartQuery: () => step({ kind: 'step', step: 'awaitQuery', seconds: m.waitSeconds(m.pollDelayMs(m.STATE_MACHINE_POLL, 0)) }),
    // As runStep: poll; while the query runs and the budget lasts, sleep the in-task delay and poll again.
    AwaitQuery: () => {
      clock += asked;
      const entered = clock;
      for (let inTask = 0; ; inTask++) {
        engineCalls++;
        if (clock >= querySeconds) return (pollSeconds += STEP_SECONDS + (clock - entered)), answer({ kind: 'step', step: 'publishOutput' });
        polls++;
        const waitMs = m.pollDelayMs(m.STATE_MACHINE_POLL, polls);
        const sleepMs = Math.min(m.pollDelayMs(m.IN_TASK_POLL, inTask), waitMs);
        if (clock - entered + sleepMs / 1000 > budgetSeconds) {
          pollSeconds += STEP_SECONDS + (clock - entered);
          return answer({ kind: 'wait', step: 'awaitQuery', seconds: m.waitSeconds(waitMs) });
        }
        clock += sleepMs / 1000;
      }
    },
    PublishOutput: () => step({ kind: 'step', step: 'record' }),
    Record: () => step({ kind: 'done', step: 'record', status: 'succeeded' }),
  };
  const taskResourceLocalHandlers = Object.fromEntries(Object.entries(tasks).map(([n, f]) => [n, async () => (invocations++, f())]));
  const waits = Object.fromEntries(Object.entries(definition.States).filter(([, s]) => s.Type === 'Wait').map(([n]) => [n, 0]));
  const execution = new m.StateMachine(definition).run({ executionName: 'bench', caught: null }, { overrides: { taskResourceLocalHandlers, waitTimeOverrides: waits } });
  let transitions = 0;
  const counting = (async () => {
    for await (const e of execution.eventLogs) if (e.type === 'StateEntered') transitions++;
  })();
  await execution.result;
  await counting;
  return costed(m, { transitions, invocations, lambdaSeconds: round(lambdaSeconds), pollSeconds: round(pollSeconds), enginePolls: engineCalls, noticedAfterSeconds: round(clock), lateBySeconds: round(clock - querySeconds) });
}

/** The sample's definition for the same query: its steps, then Wait 15 s → status Task → Choice per poll (no backoff). */
function sampleRun(m, generatedFixed, querySeconds) {
  const polls = Math.ceil(querySeconds / SAMPLE_WAIT_SECONDS);
  return costed(m, {
    // Its poll loop alone; the states around it are counted as ours (the same steps, one Task each).
    transitions: generatedFixed.transitions + polls * 3,
    invocations: generatedFixed.invocations + polls,
    lambdaSeconds: generatedFixed.lambdaSeconds,
    // Its status checks priced as if they ran on our poller.
    pollSeconds: round(polls * STEP_SECONDS),
    enginePolls: polls,
    noticedAfterSeconds: polls * SAMPLE_WAIT_SECONDS,
    lateBySeconds: polls * SAMPLE_WAIT_SECONDS - querySeconds,
  });
}

/** $ per run: transitions, requests, and GB-seconds of each function at the memory it is deployed with (and all at 1024 MB). */
function costed(m, r) {
  const usd = (stepGb, pollGb) =>
    round(r.transitions * PRICE.transition + r.invocations * PRICE.request + (r.lambdaSeconds * stepGb + r.pollSeconds * pollGb) * PRICE.gbSecond, 7);
  const gb = (mb) => mb / 1024;
  return { ...r, usdPerRun: { deployed: usd(gb(m.FUNCTION_SIZING.runStep.memoryMb), gb(m.FUNCTION_SIZING.poller.memoryMb)), allAt1024MB: usd(1, 1) } };
}

const round = (n, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * A DynamoDB stand-in on 127.0.0.1 for the cold start: DescribeTable answers every table ACTIVE
 * with adp's indexes, Query and GetItem answer nothing, so run-step's first call opens the whole
 * project (config, SDK clients, Athena engine) and ends on "no such run" after two round trips.
 */
async function dynamoStandIn(prefix) {
  const { tableSpecs } = await import(dist('adapters/aws/dynamodb/table-specs.js'));
  const { tableNames } = await import(dist('adapters/aws/dynamodb/table-layout.js'));
  const specs = new Map(tableSpecs(tableNames(prefix)).map((s) => [s.name, s]));
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const op = String(req.headers['x-amz-target'] ?? '').split('.').pop();
      const input = body ? JSON.parse(body) : {};
      const spec = specs.get(input.TableName);
      const out =
        op === 'DescribeTable' && spec
          ? { Table: { TableName: spec.name, TableStatus: 'ACTIVE', GlobalSecondaryIndexes: spec.indexes.map((i) => ({ IndexName: i.name, IndexStatus: 'ACTIVE' })) } }
          : op === 'Query' ? { Items: [], Count: 0 } : {};
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(out));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { endpoint: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/** Size of each bundle, and its cold start in a fresh process: import, then its first call (run-step and start-execution open their project). */
async function bundles() {
  const dir = path.join(ROOT, 'dist/lambda');
  const prefix = 'bench-';
  const dynamo = await dynamoStandIn(prefix);
  const home = tempDir();
  const config = { driver: 'aws', aws: { prefix, region: 'eu-west-1' }, scripts: { codecommit: 'adp-scripts' } };
  const out = {};
  try {
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name, 'index.mjs');
      const calls = {
        'run-step': `await m.handler({ executionName: 'bench-no-such-run', step: 'retrieve', caught: null }, { getRemainingTimeInMillis: () => 900000 }).catch((e) => { if (e.code !== 'NOT_FOUND') throw e; });`,
        'start-execution': `await m.handler({ curationType: '' }).catch((e) => { if (!/curation/i.test(e.message)) throw e; });`,
      };
      const call = calls[name] ?? '';
      const script = `const t0 = performance.now(); const m = await import(${JSON.stringify(`file://${file}`)}); const t1 = performance.now(); ${call} const t2 = performance.now(); console.log(JSON.stringify({ importMs: t1 - t0, firstCallMs: t2 - t1, maxRssKiB: process.resourceUsage().maxRSS }));`;
      const env = {
        ...process.env,
        ADP_HOME: home,
        ADP_CONFIG_JSON: JSON.stringify(config),
        ADP_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:bench',
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      };
      // Asynchronous: the DynamoDB stand-in answers from this process.
      const child = await new Promise((resolve) => {
        execFile(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' }, (error, stdout, stderr) => resolve({ error, stdout, stderr }));
      });
      if (child.error) throw new Error(`${name}: ${child.stderr}`);
      const timing = JSON.parse(child.stdout.trim().split('\n').pop());
      const files = fs.readdirSync(path.join(dir, name), { recursive: true }).map((f) => path.join(dir, name, String(f))).filter((f) => fs.statSync(f).isFile());
      out[name] = {
        entryBytes: fs.statSync(file).size,
        totalBytes: files.reduce((n, f) => n + fs.statSync(f).size, 0),
        importMs: Math.round(timing.importMs),
        // The process's peak resident memory after import and first call: what the function's memory must hold.
        peakRssMiB: Math.round(timing.maxRssKiB / 1024),
        ...(call ? { firstCallMs: Math.round(timing.firstCallMs), importAndFirstCallMs: Math.round(timing.importMs + timing.firstCallMs) } : {}),
      };
    }
  } finally {
    await dynamo.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
  return out;
}

export async function serverlessTransitions() {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-lambda.mjs')], { cwd: ROOT, stdio: 'ignore' });
  const m = await modules();
  const budgets = { everyPollAWait: 0, pollInTaskDefault: m.serverlessConfigSchema.parse({}).pollInTaskSeconds };
  const memoryMb = { runStep: m.FUNCTION_SIZING.runStep.memoryMb, poller: m.FUNCTION_SIZING.poller.memoryMb };
  const result = { prices: { ...PRICE, memoryMb, assumedStepSeconds: STEP_SECONDS }, budgetsSeconds: budgets };
  for (const [query, seconds] of Object.entries(QUERIES)) {
    const runs = {};
    for (const [label, budget] of Object.entries(budgets)) runs[label] = await generatedRun(m, seconds, budget);
    // The states and invocations around the poll loop: a query already done at its first poll.
    const fixed = await generatedRun(m, 0, 0);
    runs.sample15sWait = sampleRun(m, { transitions: fixed.transitions - 3, invocations: fixed.invocations - 1, lambdaSeconds: fixed.lambdaSeconds }, seconds);
    result[query] = runs;
  }
  result.bundles = await bundles();
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await serverlessTransitions(), null, 1));
}
