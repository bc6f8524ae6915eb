import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isValidBranchName } from './git-refs.js';

/** git's own verdict, the reference our check must agree with. */
function gitAccepts(name: string): boolean {
  try {
    execFileSync('git', ['check-ref-format', '--branch', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('isValidBranchName', () => {
  const names = [
    'main', 'master', 'release/prod', 'feature/a-b_c.1', 'v1.2', 'UPPER', 'ünïcode',
    '', '-x', 'a..b', 'a//b', 'a/', 'a.', '.hidden', 'a/.b', 'x.lock', 'a/x.lock', 'a b', 'a~1', 'a^', 'a:b',
    'a?', 'a*', 'a[b', 'a\\b', 'a@{1}', '../../config', 'tab\there',
  ];
  it.each(names)('agrees with git check-ref-format --branch on %j', (name) => {
    expect(isValidBranchName(name)).toBe(gitAccepts(name));
  });

  it('refuses "@", which git reads as HEAD rather than as a branch', () => {
    expect(isValidBranchName('@')).toBe(false);
  });
});
