import { createHash } from 'node:crypto';

/** Hex SHA-256 of a text, for provenance (`sqlSha256`). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
