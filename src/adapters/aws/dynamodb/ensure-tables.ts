import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTableCommand,
  type AttributeDefinition,
  type GlobalSecondaryIndex,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { EnvironmentError } from '../../../domain/errors.js';
import { toAdapterError } from './dynamo-errors.js';
import type { DynamoDb } from './dynamo-db.js';
import { Expr } from './expression.js';
import { historyIndexAttributes } from './history-item.js';
import type { TableNames } from './table-layout.js';
import { tableSpecs, type IndexSpec, type TableSpec } from './table-specs.js';

/** How long ensureTables waits for a table or index to become ACTIVE. */
const ACTIVE_DEADLINE_MS = 10 * 60_000;

/** What {@link ensureTables} did, per table: for `adp migrate` to print. */
export interface EnsureReport {
  readonly created: string[];
  /** `table/index` for indexes added to an existing table (the sample's history table gets adp's). */
  readonly indexesAdded: string[];
  /** History items the sample wrote that were given adp's index attributes (so cross-curation listings show them). */
  readonly recordsIndexed: number;
}

/**
 * Creates the three tables (and the indexes adp adds to the sample's
 * history table) where absent, waits until they are ACTIVE, then gives
 * history items the sample wrote the index attributes adp lists them by
 * (only `adp…` attributes are added; the sample's fields are never touched).
 * Idempotent: run it again at any time (`adp migrate`).
 *
 * @throws EnvironmentError when DynamoDB refuses (credentials, permissions) or a table never becomes ACTIVE.
 */
export async function ensureTables(db: DynamoDb, names: TableNames): Promise<EnsureReport> {
  const report = { created: [] as string[], indexesAdded: [] as string[], recordsIndexed: 0 };
  for (const spec of tableSpecs(names)) {
    let table = await describe(db, spec.name);
    if (!table) {
      await create(db, spec);
      report.created.push(spec.name);
      table = await waitActive(db, spec.name);
    }
    const present = new Set((table.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    // DynamoDB adds one index per UpdateTable call, and only while the table is ACTIVE.
    for (const index of spec.indexes.filter((i) => !present.has(i.name))) {
      await send(db, spec.name, () =>
        db.client.send(
          new UpdateTableCommand({
            TableName: spec.name,
            AttributeDefinitions: attributeDefinitions({ ...spec, indexes: [index] }),
            GlobalSecondaryIndexUpdates: [{ Create: gsi(index) }],
          }),
        ),
      );
      report.indexesAdded.push(`${spec.name}/${index.name}`);
      await waitActive(db, spec.name);
    }
    if (spec.stream && !table.StreamSpecification?.StreamEnabled) {
      await send(db, spec.name, () =>
        db.client.send(new UpdateTableCommand({ TableName: spec.name, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } })),
      );
      await waitActive(db, spec.name);
    }
  }
  report.recordsIndexed = await indexSampleRecords(db, names.history);
  return report;
}

/**
 * Checks that the three tables exist with adp's indexes (what `open` does
 * unless asked to migrate).
 *
 * @throws EnvironmentError naming the missing table or index and saying to run `adp migrate`.
 */
export async function checkTables(db: DynamoDb, names: TableNames): Promise<void> {
  for (const spec of tableSpecs(names)) {
    const table = await describe(db, spec.name);
    if (!table) {
      throw new EnvironmentError(`DynamoDB table '${spec.name}' (${spec.role}) does not exist at ${db.endpoint}: run \`adp migrate\` to create adp's tables`);
    }
    const present = new Set((table.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    const missing = spec.indexes.filter((i) => !present.has(i.name)).map((i) => i.name);
    if (missing.length > 0) {
      throw new EnvironmentError(
        `DynamoDB table '${spec.name}' lacks the index${missing.length > 1 ? 'es' : ''} ${missing.join(', ')} adp needs: run \`adp migrate\` to add them`,
      );
    }
  }
}

async function indexSampleRecords(db: DynamoDb, table: string): Promise<number> {
  let indexed = 0;
  const x = new Expr();
  for await (const page of db.scan(table, { filter: `attribute_not_exists(${x.name('adpTimeKey')})`, expr: x })) {
    for (const item of page) {
      const u = new Expr();
      const update = u.update(historyIndexAttributes(item));
      const condition = `attribute_exists(${u.name('curationType')}) AND attribute_not_exists(${u.name('adpTimeKey')})`;
      const key = { curationType: item.curationType, timestamp: item.timestamp };
      if ((await db.update(table, key, update, u, { condition })).ok) indexed++;
    }
  }
  return indexed;
}

async function describe(db: DynamoDb, name: string): Promise<TableDescription | undefined> {
  try {
    return (await db.client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (e) {
    if ((e as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw toAdapterError(e, { table: name, endpoint: db.endpoint });
  }
}

async function create(db: DynamoDb, spec: TableSpec): Promise<void> {
  try {
    await db.client.send(
      new CreateTableCommand({
        TableName: spec.name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions(spec),
        KeySchema: keySchema(spec.hash.name, spec.range?.name),
        ...(spec.indexes.length > 0 ? { GlobalSecondaryIndexes: spec.indexes.map(gsi) } : {}),
        ...(spec.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } } : {}),
      }),
    );
  } catch (e) {
    // Another `adp migrate` created it first: waiting for ACTIVE is all that is left.
    if ((e as { name?: string }).name === 'ResourceInUseException') return;
    throw toAdapterError(e, { table: spec.name, endpoint: db.endpoint });
  }
}

async function waitActive(db: DynamoDb, name: string): Promise<TableDescription> {
  const deadline = Date.now() + ACTIVE_DEADLINE_MS;
  for (let delay = 50; ; delay = Math.min(delay * 2, 5_000)) {
    const table = await describe(db, name);
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (table?.TableStatus === 'ACTIVE' && indexesActive) return table;
    if (Date.now() > deadline) {
      throw new EnvironmentError(`DynamoDB table '${name}' did not become ACTIVE within ${ACTIVE_DEADLINE_MS / 60_000} minutes: check it in the console, then run \`adp migrate\` again`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

async function send<T>(db: DynamoDb, table: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw toAdapterError(e, { table, endpoint: db.endpoint });
  }
}

function keySchema(hash: string, range?: string) {
  return [{ AttributeName: hash, KeyType: 'HASH' as const }, ...(range ? [{ AttributeName: range, KeyType: 'RANGE' as const }] : [])];
}

function gsi(index: IndexSpec): GlobalSecondaryIndex {
  const p = index.projection;
  return {
    IndexName: index.name,
    KeySchema: keySchema(index.hash.name, index.range?.name),
    Projection: p.type === 'INCLUDE' ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...p.attributes] } : { ProjectionType: p.type },
  };
}

function attributeDefinitions(spec: TableSpec): AttributeDefinition[] {
  const all = [spec.hash, spec.range, ...spec.indexes.flatMap((i) => [i.hash, i.range])].filter((a) => a !== undefined);
  const byName = new Map(all.map((a) => [a.name, { AttributeName: a.name, AttributeType: a.type }]));
  return [...byName.values()];
}

