import type { CreatedRun } from '../engine/create-run.js';
import type { CliIo } from './io.js';

/** What the curation's overlap policy made of the start, when other runs of it were active. */
export function sayOverlap(io: CliIo, run: CreatedRun): void {
  const { behind, cancelling } = run.overlap;
  if (cancelling.length > 0) io.err(`${run.curationType}: cancelling ${cancelling.join(', ')} (overlap: cancelRunning); this run starts once they ended`);
  else if (behind.length > 0) io.err(`${run.curationType}: waiting behind ${behind.join(', ')} (overlap: queue)`);
}
