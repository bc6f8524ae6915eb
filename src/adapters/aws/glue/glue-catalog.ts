import type { GlueClient, GlueClientConfig, Table } from '@aws-sdk/client-glue';
import type * as GlueSdk from './glue-commands.js';
import { ConfigError, ValidationError } from '../../../domain/errors.js';
import type { Catalog, TableInfo } from '../../../ports/catalog.js';
import { glueError, isEntityNotFound } from './glue-errors.js';
import { glueTableInput, tableInfoFromGlue } from './glue-table.js';

/** Options of {@link GlueCatalog}. */
export interface GlueCatalogOptions {
  /** A client to use instead of creating one; the catalog never destroys it. */
  readonly client?: GlueClient;
  /** Added to the client the catalog creates; region, credentials and endpoint otherwise come from the SDK's standard chain (`AWS_REGION`, `AWS_ENDPOINT_URL_GLUE`, profiles, …). */
  readonly clientConfig?: GlueClientConfig;
  /** An explicit endpoint, e.g. a Glue protocol server on 127.0.0.1 in tests. */
  readonly endpoint?: string;
  /** The Data Catalog's account id (`CatalogId`), for a catalog shared from another account; the caller's own otherwise. */
  readonly catalogId?: string;
}

interface Connection {
  readonly sdk: typeof GlueSdk;
  readonly client: GlueClient;
}

/**
 * The table catalog in the AWS Glue Data Catalog (AWS SDK v3, loaded on
 * first use; one client per catalog). Tables map to {@link TableInfo} by
 * their S3 location, SerDe and partition keys (see `tableInfoFromGlue`);
 * names ignore case, as Glue stores them lower-cased.
 *
 * Glue tables adp cannot describe (views, Iceberg, ORC, Avro, other
 * delimiters) are a ConfigError from `getTable` that says why, and are left
 * out of `listTables`.
 *
 * @example
 * const catalog = new GlueCatalog({ clientConfig: { region: 'eu-west-1' } });
 * await catalog.getTable('wildrydes', 'rydebookings');
 */
export class GlueCatalog implements Catalog {
  readonly #options: GlueCatalogOptions;
  #connection?: Promise<Connection>;

  constructor(options: GlueCatalogOptions = {}) {
    this.#options = options;
  }

  async getTable(database: string, table: string): Promise<TableInfo | undefined> {
    const found = await this.#getGlueTable(database, table);
    if (!found) return undefined;
    const info = tableInfoFromGlue(database, found);
    if ('unsupported' in info) {
      throw new ConfigError(`Glue table ${database}.${table} cannot be used: ${info.unsupported} (adp reads json, csv and parquet tables on S3)`);
    }
    return info;
  }

  /** Every usable table of every database (GetDatabases, then GetTables per database, all pages), sorted by database then name. */
  async listTables(): Promise<TableInfo[]> {
    const { sdk, client } = await this.#glue();
    const databases: string[] = [];
    let token: string | undefined;
    do {
      const page = await client
        .send(new sdk.GetDatabasesCommand({ ...this.#catalogId(), ...(token ? { NextToken: token } : {}) }))
        .catch((e: unknown) => Promise.reject(glueError(e, 'GetDatabases', 'the catalog')));
      for (const db of page.DatabaseList ?? []) databases.push(db.Name ?? '');
      token = page.NextToken || undefined;
    } while (token);
    const out: TableInfo[] = [];
    for (const database of databases) {
      for (const table of await this.#glueTables(database)) {
        const info = tableInfoFromGlue(database, table);
        if (!('unsupported' in info)) out.push(info);
      }
    }
    return out.sort((a, b) => compare(a.database, b.database) || compare(a.name, b.name));
  }

  async hasDatabase(database: string): Promise<boolean> {
    const { sdk, client } = await this.#glue();
    try {
      await client.send(new sdk.GetDatabaseCommand({ ...this.#catalogId(), Name: database }));
      return true;
    } catch (e) {
      if (isEntityNotFound(e)) return false;
      throw glueError(e, 'GetDatabase', `database ${database}`);
    }
  }

  /**
   * Creates the table (and its database) or updates it in place (see
   * `glueTableInput` for what is kept). Glue needs partition columns by
   * name, which a TableInfo does not carry: `hivePartitioning` must match
   * whether the Glue table has partition keys (add them with a crawler or
   * Athena DDL), else ValidationError.
   */
  async putTable(table: TableInfo): Promise<void> {
    const { sdk, client } = await this.#glue();
    const subject = `table ${table.database}.${table.name}`;
    await this.#ensureDatabase(table.database);
    const existing = await this.#getGlueTable(table.database, table.name);
    const partitioned = (existing?.PartitionKeys?.length ?? 0) > 0;
    if (table.hivePartitioning !== partitioned) {
      throw new ValidationError([
        {
          path: 'hivePartitioning',
          message: partitioned
            ? `Glue ${subject} is partitioned by ${existing!.PartitionKeys!.map((k) => k.Name).join(', ')}: hivePartitioning must be true`
            : `Glue needs the partition columns of ${subject} by name: create it with a Glue crawler or Athena DDL (PARTITIONED BY), then register it here`,
        },
      ]);
    }
    const input = { ...this.#catalogId(), DatabaseName: table.database, TableInput: glueTableInput(table, existing) };
    try {
      if (existing) await client.send(new sdk.UpdateTableCommand(input));
      else await client.send(new sdk.CreateTableCommand(input));
    } catch (e) {
      throw glueError(e, existing ? 'UpdateTable' : 'CreateTable', subject);
    }
  }

  /** Destroys the client the catalog created (an injected one is left to its owner). */
  async close(): Promise<void> {
    const opened = this.#connection;
    this.#connection = undefined;
    if (opened && !this.#options.client) (await opened).client.destroy();
  }

  async #getGlueTable(database: string, table: string): Promise<Table | undefined> {
    const { sdk, client } = await this.#glue();
    try {
      const out = await client.send(new sdk.GetTableCommand({ ...this.#catalogId(), DatabaseName: database, Name: table }));
      return out.Table;
    } catch (e) {
      if (isEntityNotFound(e)) return undefined;
      throw glueError(e, 'GetTable', `table ${database}.${table}`);
    }
  }

  async #glueTables(database: string): Promise<Table[]> {
    const { sdk, client } = await this.#glue();
    const tables: Table[] = [];
    let token: string | undefined;
    do {
      try {
        const page = await client.send(new sdk.GetTablesCommand({ ...this.#catalogId(), DatabaseName: database, ...(token ? { NextToken: token } : {}) }));
        tables.push(...(page.TableList ?? []));
        token = page.NextToken || undefined;
      } catch (e) {
        // A database dropped between the two listings has no tables.
        if (isEntityNotFound(e)) return tables;
        throw glueError(e, 'GetTables', `database ${database}`);
      }
    } while (token);
    return tables;
  }

  async #ensureDatabase(database: string): Promise<void> {
    if (await this.hasDatabase(database)) return;
    const { sdk, client } = await this.#glue();
    try {
      await client.send(new sdk.CreateDatabaseCommand({ ...this.#catalogId(), DatabaseInput: { Name: database } }));
    } catch (e) {
      if ((e as { name?: string }).name === 'AlreadyExistsException') return;
      throw glueError(e, 'CreateDatabase', `database ${database}`);
    }
  }

  #catalogId(): { CatalogId?: string } {
    return this.#options.catalogId ? { CatalogId: this.#options.catalogId } : {};
  }

  #glue(): Promise<Connection> {
    return (this.#connection ??= this.#open());
  }

  async #open(): Promise<Connection> {
    const sdk = await import('./glue-commands.js');
    const o = this.#options;
    if (o.client) return { sdk, client: o.client };
    return { sdk, client: new sdk.GlueClient({ ...o.clientConfig, ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}) }) };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
