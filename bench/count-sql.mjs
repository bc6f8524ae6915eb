// Preloaded (node --import) into `adp serve` by runs-per-second.mjs when ADP_BENCH_COUNT_SQL
// names a file: counts the statements the process sends to PostgreSQL, by their first
// words, and writes them there as JSON when it exits.
import fs from 'node:fs';
import { countStatements } from './lib.mjs';

const file = process.env.ADP_BENCH_COUNT_SQL;
if (file) {
  const counts = await countStatements();
  process.on('exit', () => fs.writeFileSync(`${file}.${process.pid}.json`, JSON.stringify(counts())));
}
