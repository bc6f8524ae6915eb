import { sha256Hex } from '../sha256.js';

/** JSON with object keys sorted at every level, so equal values always hash alike. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A short deterministic id from its parts: the same event planned twice gets
 * the same id, so enqueueing is idempotent and receivers can de-duplicate.
 */
export function stableId(prefix: string, ...parts: readonly (string | number)[]): string {
  return `${prefix}-${sha256Hex(parts.join('\u0000')).slice(0, 20)}`;
}
