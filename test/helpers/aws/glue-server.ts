import { ServiceError, page, startJsonProtocolServer, type JsonRequest } from './json-protocol-server.js';

/** A Glue table as the server keeps it: what CreateTable/UpdateTable sent, plus what Glue adds. */
type StoredTable = Record<string, unknown> & { Name: string; DatabaseName: string };

/** A running Glue protocol server. */
export interface GlueTestServer {
  readonly endpoint: string;
  readonly requests: readonly JsonRequest[];
  /** Adds a database directly (no request). */
  putDatabase(name: string): void;
  /** Adds or replaces a table directly, shaped like a Glue `TableInput`. */
  putTable(database: string, tableInput: Record<string, unknown> & { Name: string }): void;
  failNext(count: number, options?: { operation?: string; type?: string; status?: number }): void;
  close(): Promise<void>;
}

export interface GlueServerOptions {
  /** Largest page GetDatabases/GetTables return, whatever MaxResults asks (default 100, Glue's default). */
  readonly pageSize?: number;
}

/**
 * An AWS Glue Data Catalog protocol server (JSON 1.1, `AWSGlue.*`) on
 * 127.0.0.1, backed by an in-memory map, for the real `@aws-sdk/client-glue`:
 * GetDatabase, GetDatabases, CreateDatabase, GetTable, GetTables,
 * CreateTable, UpdateTable, with NextToken paging. Names are lower-cased as
 * Glue stores them; a missing database or table is EntityNotFoundException,
 * a duplicate AlreadyExistsException.
 *
 * @example
 * const glue = await startGlueServer({ pageSize: 2 });
 * const catalog = new GlueCatalog({ endpoint: glue.endpoint, clientConfig: { region, credentials } });
 */
export async function startGlueServer(options: GlueServerOptions = {}): Promise<GlueTestServer> {
  const pageSize = options.pageSize ?? 100;
  const databases = new Map<string, { name: string; createTime: number; tables: Map<string, StoredTable> }>();
  const now = () => Math.floor(Date.now() / 1000);

  const putDatabase = (name: string) => {
    const key = name.toLowerCase();
    if (!databases.has(key)) databases.set(key, { name: key, createTime: now(), tables: new Map() });
  };
  const database = (name: unknown) => {
    const db = databases.get(String(name ?? '').toLowerCase());
    if (!db) throw new ServiceError('EntityNotFoundException', `Database ${String(name)} not found.`);
    return db;
  };
  const store = (dbName: unknown, input: Record<string, unknown>, mode: 'create' | 'update' | 'put') => {
    const db = database(dbName);
    const name = String(input.Name ?? '').toLowerCase();
    if (!/^[a-z0-9_-]{1,255}$/.test(name)) throw new ServiceError('InvalidInputException', `Table name '${String(input.Name)}' is not valid.`);
    const existing = db.tables.get(name);
    if (mode === 'create' && existing) throw new ServiceError('AlreadyExistsException', `Table already exists.`);
    if (mode === 'update' && !existing) throw new ServiceError('EntityNotFoundException', `Table ${name} not found.`);
    db.tables.set(name, { ...input, Name: name, DatabaseName: db.name, CreateTime: existing?.CreateTime ?? now(), UpdateTime: now() });
  };
  const limit = (input: Record<string, unknown>) => Math.min(pageSize, typeof input.MaxResults === 'number' ? input.MaxResults : 100);

  const server = await startJsonProtocolServer('AWSGlue', {
    GetDatabase: ({ Name }) => {
      const db = database(Name);
      return { Database: { Name: db.name, CreateTime: db.createTime, CatalogId: '123456789012' } };
    },
    GetDatabases: (input) => {
      const all = [...databases.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
      const p = page(all, input.NextToken, limit(input));
      return { DatabaseList: p.items.map((db) => ({ Name: db.name, CreateTime: db.createTime, CatalogId: '123456789012' })), ...(p.next ? { NextToken: p.next } : {}) };
    },
    CreateDatabase: ({ DatabaseInput }) => {
      const name = String((DatabaseInput as { Name?: unknown } | undefined)?.Name ?? '');
      if (databases.has(name.toLowerCase())) throw new ServiceError('AlreadyExistsException', `Database ${name} already exists.`);
      putDatabase(name);
      return {};
    },
    GetTable: ({ DatabaseName, Name }) => {
      const table = database(DatabaseName).tables.get(String(Name ?? '').toLowerCase());
      if (!table) throw new ServiceError('EntityNotFoundException', `Table ${String(Name)} not found.`);
      return { Table: table };
    },
    GetTables: (input) => {
      const all = [...database(input.DatabaseName).tables.values()].sort((a, b) => (a.Name < b.Name ? -1 : 1));
      const p = page(all, input.NextToken, limit(input));
      return { TableList: p.items, ...(p.next ? { NextToken: p.next } : {}) };
    },
    CreateTable: ({ DatabaseName, TableInput }) => store(DatabaseName, TableInput as Record<string, unknown>, 'create'),
    UpdateTable: ({ DatabaseName, TableInput }) => store(DatabaseName, TableInput as Record<string, unknown>, 'update'),
  });

  return {
    endpoint: server.endpoint,
    requests: server.requests,
    putDatabase,
    putTable: (db, input) => {
      putDatabase(db);
      store(db, input, 'put');
    },
    failNext: (count, o) => server.failNext(count, o),
    close: () => server.close(),
  };
}
