import type { CliIo } from './io.js';

/** A one-line progress bar on stderr when it is a terminal; silent otherwise. */
export function progressBar(io: CliIo, label: string): { update: (done: number, total: number) => void; done: () => void } {
  let last = -1;
  return {
    update(done, total) {
      if (!io.interactive || total <= 0) return;
      const pct = Math.floor((done / total) * 100);
      if (pct === last) return;
      last = pct;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}%`);
    },
    done() {
      if (io.interactive && last >= 0) process.stderr.write('\n');
    },
  };
}
