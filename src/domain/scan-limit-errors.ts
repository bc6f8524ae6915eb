import { AdpError } from './errors.js';

/** The query scans (or would scan) more than the definition's `maxBytesScanned`: the run fails, nothing is published. */
export class ScanLimitExceededError extends AdpError {
  readonly code = 'SCAN_LIMIT_EXCEEDED';
  constructor(
    readonly bytes: number,
    readonly limit: number,
    when: 'before it started' | 'while it ran' | 'when it ended',
  ) {
    super(`maxBytesScanned: the query ${when === 'before it started' ? 'would scan' : 'scanned'} ${bytes} bytes (${when}), more than the limit of ${limit}; it was ${when === 'before it started' ? 'not started' : 'stopped'} (raise maxBytesScanned or read less)`);
  }
}

/** `maxBytesScanned` is set but the engine can tell the bytes neither before nor while the query runs: the run is refused. */
export class ScanLimitUnsupportedError extends AdpError {
  readonly code = 'SCAN_LIMIT_UNSUPPORTED';
  override readonly isUserError = true;
  constructor(engine: string, reason: string) {
    super(`maxBytesScanned cannot be enforced for this query on the ${engine} engine: ${reason}; remove maxBytesScanned from the definition or change the query`);
  }
}
