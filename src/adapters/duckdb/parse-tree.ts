// What a query names, from DuckDB's parse tree (json_serialize_sql): the scan estimate and the lazily made catalog views read it.

export interface TableRef {
  readonly schema: string;
  readonly table: string;
}

/** Table references and CTE names anywhere in DuckDB's parse tree (json_serialize_sql), and whether a table function is read. */
export function references(tree: unknown): { refs: TableRef[]; ctes: Set<string>; tableFunction: boolean } {
  const refs: TableRef[] = [];
  const ctes = new Set<string>();
  let tableFunction = false;
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) return o.forEach(walk);
    if (o === null || typeof o !== 'object') return;
    const node = o as Record<string, unknown>;
    if (node.type === 'BASE_TABLE' && typeof node.table_name === 'string') refs.push({ schema: String(node.schema_name ?? ''), table: node.table_name });
    if (node.type === 'TABLE_FUNCTION') tableFunction = true;
    const cteMap = node.cte_map as { map?: { key?: unknown }[] } | undefined;
    for (const entry of cteMap?.map ?? []) if (typeof entry.key === 'string') ctes.add(entry.key);
    Object.values(node).forEach(walk);
  };
  walk(tree);
  return { refs, ctes, tableFunction };
}
