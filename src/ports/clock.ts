/** Time, injectable so schedules and timeouts can be tested on a fake clock. */
export interface Clock {
  now(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
