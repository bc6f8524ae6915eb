import { createHash } from 'node:crypto';

/** The UUID namespace of adp's run ids (RFC 9562 name-based UUIDs). */
const ADP_RUN_NAMESPACE = '6f0c3c1e-8a61-4b4e-9d57-2b8f2f4a7c11';

/**
 * The OpenLineage `run.runId` of a run: a version 5 (name-based, SHA-1) UUID
 * of its execution name, so every event of the run, and every redelivery of
 * one, names the same run.
 *
 * @example
 * lineageRunId('20270104100000K3QZ8A_wildrydes_rydebooking') // always the same UUID
 */
export function lineageRunId(executionName: string): string {
  const namespace = Buffer.from(ADP_RUN_NAMESPACE.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(namespace).update(executionName, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
