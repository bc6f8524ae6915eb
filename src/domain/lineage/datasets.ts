/** An OpenLineage dataset's identity: the datasource (`namespace`) and the dataset in it (`name`). */
export interface LineageDatasetName {
  readonly namespace: string;
  readonly name: string;
}

/**
 * A storage location as an OpenLineage dataset, by the spec's naming rules:
 * `s3://bucket/key` → namespace `s3://bucket`, name `key`; `file:///path` →
 * namespace `file`, name `/path`; another `scheme://authority/path` →
 * namespace `scheme://authority`, name `path`. A folder's trailing `/` is
 * left out. Undefined for text that is not such a URI.
 *
 * @example
 * datasetOfLocation('s3://curated/rydebookings/rydebookings20270104100000.csv')
 * // { namespace: 's3://curated', name: 'rydebookings/rydebookings20270104100000.csv' }
 */
export function datasetOfLocation(location: string): LineageDatasetName | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/]*)(\/.*)?$/.exec(location);
  if (!m) return undefined;
  const [, scheme, authority, rest = ''] = m;
  const trimmed = rest.length > 1 ? rest.replace(/\/+$/, '') : rest;
  if (scheme!.toLowerCase() === 'file') return { namespace: 'file', name: trimmed || '/' };
  if (!authority) return undefined;
  return { namespace: `${scheme}://${authority}`, name: trimmed.replace(/^\/+/, '') || '/' };
}

/**
 * A `glueDetails.tables` entry as database and table: `table` is in the
 * definition's database, `otherdb.table` in `otherdb`.
 */
export function tableReference(database: string, entry: string): { readonly database: string; readonly table: string } {
  const dot = entry.indexOf('.');
  return dot > 0 ? { database: entry.slice(0, dot), table: entry.slice(dot + 1) } : { database, table: entry };
}
