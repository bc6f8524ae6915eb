/** A LIKE pattern that finds `text` anywhere, with `\` escaping the wildcards in it. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
