export type TableFormat = 'json' | 'csv' | 'parquet';

export interface TableInfo {
  readonly database: string;
  readonly name: string;
  /** Where the table's files live: a bucket and a key prefix. */
  readonly location: { readonly bucket: string; readonly prefix: string };
  readonly format: TableFormat;
  /** `key=value/` folders become columns. */
  readonly hivePartitioning: boolean;
}

/** The lake's table catalog (Glue on AWS, `catalog.json` on a laptop). */
export interface Catalog {
  getTable(database: string, table: string): Promise<TableInfo | undefined>;
  listTables(): Promise<TableInfo[]>;
  hasDatabase(database: string): Promise<boolean>;
  /** Adds or replaces a table; creates its database if needed. */
  putTable(table: TableInfo): Promise<void>;
}
