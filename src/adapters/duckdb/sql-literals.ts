/** `"name"` with embedded quotes doubled: catalog names may contain '-' or other non-identifier characters. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `'text'` with embedded quotes doubled: for file paths and metadata values written into SQL. */
export function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
