import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPLOY_OPTION_KEYS, parseDeployOptions } from '../../deploy/aws/lib/deploy-options.js';

const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
const section = readme.slice(readme.indexOf('#### Deploy to AWS'), readme.indexOf('## Dashboard and HTTP API'));

describe('README: Deploy to AWS stays true', () => {
  it('names the options the stack reads, and its deploy command line is accepted', () => {
    expect(section.length).toBeGreaterThan(500);
    const named = [...section.matchAll(/-c\s+([A-Za-z]+)=|`([a-z][A-Za-z]+)(?:=[^`]*)?`/g)].map((m) => m[1] ?? m[2]!);
    const options = named.filter((n) => /[A-Z]/.test(n) || DEPLOY_OPTION_KEYS.includes(n as never));
    for (const o of ['prefix', 'kmsKeyArn', 'tables', 'curationsStreamArn', 'historyStreamArn', 'openSearchEndpoint', 'logRetentionDays', 'gitTokenSecretArn']) {
      expect(options, o).toContain(o);
    }
    const command = /npm run deploy:aws -- (.*)/.exec(section)![1]!;
    const context = Object.fromEntries([...command.matchAll(/-c ([A-Za-z]+)=(\S+)/g)].map((m) => [m[1], m[2]]));
    expect(Object.keys(context)).toContain('prefix');
    expect(() => parseDeployOptions(context)).not.toThrow();
  });
});
