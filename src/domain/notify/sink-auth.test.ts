import { describe, expect, it } from 'vitest';
import { openSearchSinkSchema } from './destinations.js';

const parse = (auth: unknown) => openSearchSinkSchema.safeParse({ type: 'opensearch', node: 'https://search.example.com', index: 'curationHistory', auth });
const messageOf = (auth: unknown) => {
  const r = parse(auth);
  return r.success ? 'ok' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
};

describe('opensearch sink auth schema', () => {
  it('accepts Basic, API key and SigV4 (es by default, or aoss)', () => {
    expect(parse({ username: 'admin', password: 'pw' }).success).toBe(true);
    expect(parse({ apiKey: 'k' }).success).toBe(true);
    expect(parse({ type: 'sigv4', region: 'eu-west-1' }).data?.auth).toEqual({ type: 'sigv4', region: 'eu-west-1' });
    expect(parse({ type: 'sigv4', region: 'us-gov-west-1', service: 'aoss' }).success).toBe(true);
  });

  it('reports a mistake against the shape that was meant, naming the field', () => {
    expect(messageOf({ type: 'sigv4' })).toBe('auth: region: Invalid input: expected string, received undefined');
    expect(messageOf({ type: 'sigv4', region: 'eu-west-1', service: 'opensearch' })).toMatch(/^auth: service: .*"es"\|"aoss"/);
    expect(messageOf({ type: 'sigv4', region: 'Ireland' })).toBe('auth.region: must be an AWS region such as eu-west-1');
    expect(messageOf({ type: 'sigv4', region: 'eu-west-1', accessKeyId: 'AKID' })).toContain('accessKeyId');
    expect(messageOf({ username: 'admin' })).toBe('auth: password: Invalid input: expected string, received undefined');
    expect(messageOf('secret')).toBe('auth: must be {"username", "password"}, {"apiKey"} or {"type": "sigv4", "region"}');
  });
});
