import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { StateError } from '../../../domain/errors.js';
import { cancellationCodes, isConditionFailed, toAdapterError } from './dynamo-errors.js';
import type { Expr } from './expression.js';

/** An item as the document client reads and writes it (plain JS values). */
export type Item = Record<string, unknown>;

/** DynamoDB's ceiling on the items of one TransactWriteItems call. */
export const MAX_TRANSACTION_ITEMS = 100;

const BATCH_GET_KEYS = 100;

interface Expressions {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** One write of a transaction (the document client's shape: plain JS values). */
export type TxItem =
  | { readonly Put: { TableName: string; Item: Item } & Expressions }
  | { readonly Update: { TableName: string; Key: Item; UpdateExpression: string } & Expressions }
  | { readonly Delete: { TableName: string; Key: Item } & Expressions }
  | { readonly ConditionCheck: { TableName: string; Key: Item; ConditionExpression: string } & Expressions };

function expressions(condition: string | undefined, expr: Expr | undefined): Expressions {
  const out: Expressions = {};
  if (condition !== undefined) out.ConditionExpression = condition;
  if (expr?.names) out.ExpressionAttributeNames = expr.names;
  if (expr?.values) out.ExpressionAttributeValues = expr.values;
  return out;
}

/** A Put for a transaction; `condition` uses `expr`'s placeholders. */
export function txPut(table: string, item: Item, condition?: string, expr?: Expr): TxItem {
  return { Put: { TableName: table, Item: item, ...expressions(condition, expr) } };
}

/** An Update for a transaction. */
export function txUpdate(table: string, key: Item, update: string, expr: Expr, condition?: string): TxItem {
  return { Update: { TableName: table, Key: key, UpdateExpression: update, ...expressions(condition, expr) } };
}

/** A Delete for a transaction. */
export function txDelete(table: string, key: Item, condition?: string, expr?: Expr): TxItem {
  return { Delete: { TableName: table, Key: key, ...expressions(condition, expr) } };
}

/** One Query (or its pages): `keyCondition`, `filter` and `projection` use `expr`'s placeholders. */
export interface QuerySpec {
  readonly table: string;
  readonly index?: string;
  readonly keyCondition: string;
  readonly filter?: string;
  readonly projection?: string;
  readonly expr: Expr;
  /** Ascending by sort key unless false. */
  readonly forward?: boolean;
  /** Items evaluated per page (before the filter); default: as many as fit in 1 MB. */
  readonly pageSize?: number;
}

/** What every page of a Query sends: table or index (tables read consistently), key condition, filter, from `start`. */
function queryInput(spec: Omit<QuerySpec, 'projection'>, start: Item | undefined) {
  return {
    TableName: spec.table,
    ...(spec.index ? { IndexName: spec.index } : { ConsistentRead: true }),
    KeyConditionExpression: spec.keyCondition,
    ...(spec.filter ? { FilterExpression: spec.filter } : {}),
    ...expressions(undefined, spec.expr),
    ...(start ? { ExclusiveStartKey: start } : {}),
  };
}

/**
 * The few DynamoDB calls the tables need, over the document client:
 * consistent reads on tables, conditional writes that answer true/false
 * instead of throwing, transactions that answer with the per-item
 * cancellation codes, pages that follow LastEvaluatedKey. Every other
 * failure becomes a typed error ({@link toAdapterError}).
 */
export class DynamoDb {
  readonly #doc: DynamoDBDocumentClient;
  readonly #owned: boolean;
  #closed = false;
  /** The low-level client, for table management (migrate). */
  readonly client: DynamoDBClient;
  /** Where requests go, for messages. */
  readonly endpoint: string;

  constructor(client: DynamoDBClient, options: { owned: boolean; endpoint: string }) {
    this.client = client;
    this.#owned = options.owned;
    this.endpoint = options.endpoint;
    this.#doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
      unmarshallOptions: { wrapNumbers: false },
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** A strongly consistent GetItem. */
  async get(table: string, key: Item): Promise<Item | undefined> {
    const out = await this.#send(table, () => this.#doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true })));
    return out.Item;
  }

  /** Strongly consistent reads of many keys (any number; unprocessed keys are asked again), in no particular order. */
  async batchGet(table: string, keys: readonly Item[]): Promise<Item[]> {
    const found: Item[] = [];
    for (let i = 0; i < keys.length; i += BATCH_GET_KEYS) {
      let pending: Item[] | undefined = keys.slice(i, i + BATCH_GET_KEYS);
      for (let round = 0; pending && pending.length > 0; round++) {
        if (round > 0) await pause(round);
        const request: Record<string, { Keys: Item[]; ConsistentRead: boolean }> = { [table]: { Keys: pending, ConsistentRead: true } };
        const out = await this.#send(table, () => this.#doc.send(new BatchGetCommand({ RequestItems: request })));
        found.push(...(out.Responses?.[table] ?? []));
        pending = out.UnprocessedKeys?.[table]?.Keys as Item[] | undefined;
      }
    }
    return found;
  }

  /** A Put; false when `condition` did not hold (nothing written). */
  async put(table: string, item: Item, condition?: string, expr?: Expr): Promise<boolean> {
    return this.#conditional(table, () => this.#doc.send(new PutCommand({ TableName: table, Item: item, ...expressions(condition, expr) })));
  }

  /** An UpdateItem; `ok` false when `condition` did not hold. `attributes` as `returnValues` asks (default none). */
  async update(
    table: string,
    key: Item,
    update: string,
    expr: Expr,
    options: { condition?: string; returnValues?: 'ALL_NEW' | 'ALL_OLD' } = {},
  ): Promise<{ ok: boolean; attributes?: Item }> {
    let attributes: Item | undefined;
    const ok = await this.#conditional(table, async () => {
      const out = await this.#doc.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: update,
          ...expressions(options.condition, expr),
          ...(options.returnValues ? { ReturnValues: options.returnValues } : {}),
        }),
      );
      attributes = out.Attributes;
    });
    return attributes ? { ok, attributes } : { ok };
  }

  /** A DeleteItem; false when `condition` did not hold. */
  async delete(table: string, key: Item, condition?: string, expr?: Expr): Promise<boolean> {
    return this.#conditional(table, () => this.#doc.send(new DeleteCommand({ TableName: table, Key: key, ...expressions(condition, expr) })));
  }

  /**
   * TransactWriteItems. Resolves undefined when it committed, else the
   * cancellation code of each item in order (`ConditionalCheckFailed`,
   * `TransactionConflict`, `None`, ...). A client token makes the SDK's own
   * retries of the same call idempotent.
   *
   * @throws StateError for more than {@link MAX_TRANSACTION_ITEMS} items (a bug in the caller).
   */
  async transact(items: readonly TxItem[]): Promise<string[] | undefined> {
    if (items.length === 0) return undefined;
    if (items.length > MAX_TRANSACTION_ITEMS) {
      throw new StateError(`a DynamoDB transaction holds at most ${MAX_TRANSACTION_ITEMS} writes; this one has ${items.length}`);
    }
    const tables = [...new Set(items.map((i) => Object.values(i)[0].TableName as string))].join(', ');
    try {
      this.#check();
      await this.#doc.send(new TransactWriteCommand({ TransactItems: items as TxItem[] as never, ClientRequestToken: randomUUID() }));
      return undefined;
    } catch (e) {
      const codes = cancellationCodes(e);
      if (codes) return codes;
      throw toAdapterError(e, { table: tables, endpoint: this.endpoint });
    }
  }

  /** The pages of a Query (each page's items, after the filter), following LastEvaluatedKey until the end or until the caller stops. */
  async *query(spec: QuerySpec): AsyncGenerator<Item[]> {
    let start: Item | undefined;
    do {
      const out = await this.#send(spec.table, () =>
        this.#doc.send(
          new QueryCommand({
            ...queryInput(spec, start),
            ...(spec.projection ? { ProjectionExpression: spec.projection } : {}),
            ScanIndexForward: spec.forward ?? true,
            ...(spec.pageSize ? { Limit: spec.pageSize } : {}),
          }),
        ),
      );
      yield out.Items ?? [];
      start = out.LastEvaluatedKey;
    } while (start);
  }

  /** Every item of a Query, all pages. */
  async queryAll(spec: QuerySpec): Promise<Item[]> {
    const items: Item[] = [];
    for await (const page of this.query(spec)) items.push(...page);
    return items;
  }

  /** How many items a Query matches (Select COUNT over all pages). */
  async count(spec: Omit<QuerySpec, 'projection'>): Promise<number> {
    let total = 0;
    let start: Item | undefined;
    do {
      const out = await this.#send(spec.table, () =>
        this.#doc.send(
          new QueryCommand({ ...queryInput(spec, start), Select: 'COUNT' }),
        ),
      );
      total += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    return total;
  }

  /** The pages of a consistent Scan of a whole table (listing definitions, backfills). */
  async *scan(table: string, options: { filter?: string; expr?: Expr } = {}): AsyncGenerator<Item[]> {
    let start: Item | undefined;
    do {
      const out = await this.#send(table, () =>
        this.#doc.send(
          new ScanCommand({
            TableName: table,
            ConsistentRead: true,
            ...(options.filter ? { FilterExpression: options.filter } : {}),
            ...expressions(undefined, options.expr),
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        ),
      );
      yield out.Items ?? [];
      start = out.LastEvaluatedKey;
    } while (start);
  }

  /** Stops the client if this adapter created it (a client passed in belongs to the caller). Later calls throw StateError. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#owned) this.client.destroy();
  }

  #check(): void {
    if (this.#closed) throw new StateError('the DynamoDB state store is closed; open it again to use it');
  }

  async #send<T>(table: string, call: () => Promise<T>): Promise<T> {
    this.#check();
    try {
      return await call();
    } catch (e) {
      throw toAdapterError(e, { table, endpoint: this.endpoint });
    }
  }

  async #conditional(table: string, call: () => Promise<unknown>): Promise<boolean> {
    this.#check();
    try {
      await call();
      return true;
    } catch (e) {
      if (isConditionFailed(e)) return false;
      throw toAdapterError(e, { table, endpoint: this.endpoint });
    }
  }
}

/** A short random wait that grows with `round`, so writers that collided do not collide again. */
export function pause(round: number): Promise<void> {
  const ms = Math.random() * Math.min(200, 5 * 2 ** Math.min(round, 6));
  return new Promise((resolve) => setTimeout(resolve, ms));
}
