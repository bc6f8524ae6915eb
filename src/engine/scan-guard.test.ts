import { describe, expect, it } from 'vitest';
import { parseCuration } from '../domain/curation.js';
import { ScanLimitExceededError, ScanLimitUnsupportedError } from '../domain/scan-limit-errors.js';
import { guardScanBeforeStart, scanLimitWhileRunning } from './scan-guard.js';

const def = (maxBytesScanned?: number) =>
  parseCuration({ curationType: 'x', sqlFilePath: 'x.sql', cronExpression: 'rate(1 day)', glueDetails: { database: 'd' }, outputDetails: { outputBucket: 'out-b' }, ...(maxBytesScanned ? { maxBytesScanned } : {}) });

describe('maxBytesScanned, per engine capability', () => {
  it('an engine that tells before (DuckDB) refuses a query above the limit before it starts', async () => {
    const duck = { name: 'duckdb', estimateScanBytes: async () => ({ bytes: 500, detail: '' }) };
    await expect(guardScanBeforeStart(duck, def(499), 'select 1')).rejects.toBeInstanceOf(ScanLimitExceededError);
    await expect(guardScanBeforeStart(duck, def(500), 'select 1')).resolves.toBe(500);
    await expect(guardScanBeforeStart(duck, def(), 'select 1')).resolves.toBeUndefined();
  });

  it('an engine that reports while running (Athena) is stopped by the status past the limit, also at the end', () => {
    expect(scanLimitWhileRunning(def(100), { state: 'RUNNING', dataScannedBytes: 101 })?.message).toMatch(/scanned 101 bytes \(while it ran\)/);
    expect(scanLimitWhileRunning(def(100), { state: 'SUCCEEDED', dataScannedBytes: 101 })?.code).toBe('SCAN_LIMIT_EXCEEDED');
    expect(scanLimitWhileRunning(def(100), { state: 'RUNNING', dataScannedBytes: 100 })).toBeUndefined();
  });

  it('an engine that can tell neither refuses the run, naming the field', async () => {
    await expect(guardScanBeforeStart({ name: 'other' }, def(1), 'select 1')).rejects.toBeInstanceOf(ScanLimitUnsupportedError);
    const cannot = { name: 'duckdb', estimateScanBytes: async () => ({ reason: 'reads a table function' }) };
    await expect(guardScanBeforeStart(cannot, def(1), 'select 1')).rejects.toThrow(/maxBytesScanned cannot be enforced .*table function/);
    await expect(guardScanBeforeStart({ ...cannot, reportsScanWhileRunning: true }, def(1), 'select 1')).resolves.toBeUndefined();
  });
});
