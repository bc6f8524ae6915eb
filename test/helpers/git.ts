import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Writes and commits a file in a home's scripts repository; returns the new commit id. */
export function commitScript(home: string, rel: string, text: string): string {
  const repo = path.join(home, 'scripts');
  fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
  fs.writeFileSync(path.join(repo, rel), text);
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
  git('add', rel);
  git('-c', 'user.name=test', '-c', 'user.email=test@localhost', 'commit', '-q', '-m', `update ${rel}`);
  return git('rev-parse', 'HEAD');
}

export function headCommit(home: string): string {
  return execFileSync('git', ['-C', path.join(home, 'scripts'), 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
}
