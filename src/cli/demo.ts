import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { runCli } from './main.js';
import { processIo } from './io.js';
import { reportError } from './exit-codes.js';
import { withProject } from './project.js';
import { describeRecord } from './describe-record.js';
import { wildrydesCuration } from '../examples/wildrydes.js';

/** First `n` lines of a local output file. */
async function headLines(file: string, n: number): Promise<string[]> {
  const lines: string[] = [];
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    lines.push(line.length > 160 ? `${line.slice(0, 157)}...` : line);
    if (lines.length >= n) break;
  }
  rl.close();
  return lines;
}

/**
 * `npm start`: makes (or reuses) ./demo, installs the ride-booking example,
 * runs the sample curation and shows what it produced.
 */
async function demo(): Promise<number> {
  const home = path.resolve(process.env.ADP_HOME ?? 'demo');
  const say = (s: string) => processIo.out(s);
  say(`adp demo in ${home}\n`);
  let code = await runCli(['--home', home, 'init', '--example', 'wildrydes']);
  if (code !== 0) return code;
  say('\nrunning the sample curation wildrydes-rydebooking ...');
  code = await runCli(['--home', home, 'run', 'wildrydes-rydebooking', '--wait', '--json'], { ...processIo, out: () => {} });
  code = await withProject({ home }, async (p) => {
    const record = (await p.state.listHistory({ curationType: 'wildrydes-rydebooking', limit: 1 })).records[0];
    if (!record) return 1;
    say(`\n${describeRecord(record)}\n`);
    if (record.curationOutputLocation?.startsWith('file://')) {
      const file = fileURLToPath(record.curationOutputLocation);
      say(`first rows of ${path.relative(process.cwd(), file)}:`);
      for (const line of await headLines(file, 6)) say(`  ${line}`);
    }
    say(`\nthe history record (as \`adp --home ${path.relative(process.cwd(), home) || '.'} history --json\` prints it):`);
    say(JSON.stringify(record, null, 2));
    say(`\nmore: npx adp --home ${path.relative(process.cwd(), home) || '.'} history | curation list | validate wildrydes-rydebooking`);
    return code;
  });
  if (code !== 0 || process.argv.includes('--no-serve')) return code;
  const port = (await portIsFree(8080)) ? 8080 : 0;
  say(`\nnote: the sample's schedule ${wildrydesCuration.cronExpression} fires every minute of every third hour (00:00-00:59, 03:00-03:59, ... UTC),`);
  say('not once every three hours: that would be cron(0 0/3 * * ? *). Pause it with `adp curation pause wildrydes-rydebooking`.');
  say('\nstarting the scheduler and the dashboard (adp serve); Ctrl-C stops it');
  return runCli(['--home', home, 'serve', '--port', String(port)]);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

demo().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportError(error, processIo.err);
  },
);
