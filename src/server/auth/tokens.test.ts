import { describe, expect, it } from 'vitest';
import { apiTokenSchema } from '../../domain/server-config.js';
import { SessionSigner } from './sessions.js';
import { generateToken, hashToken, resolveAuth, TokenVerifier } from './tokens.js';

describe('tokens', () => {
  it('hashes to the lowercase hex SHA-256 that the config stores', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(apiTokenSchema.safeParse({ name: 'ci', sha256: hashToken('abc') }).success).toBe(true);
  });

  it('accepts each configured token and nothing else', () => {
    const verifier = new TokenVerifier([hashToken('first-token'), hashToken('second-token')]);
    expect(verifier.verify('first-token')).toBe(true);
    expect(verifier.verify('second-token')).toBe(true);
    for (const wrong of [undefined, '', 'first-toke', 'first-token ', 'FIRST-TOKEN', hashToken('first-token'), 'x'.repeat(10_000)]) {
      expect(verifier.verify(wrong)).toBe(false);
    }
    expect(new TokenVerifier([]).verify('anything')).toBe(false);
  });

  it('generates distinct 256-bit tokens', () => {
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(a);
  });

  it('takes ADP_API_TOKEN and config tokens; with neither, makes one up for the login URL', () => {
    const env = resolveAuth({ env: { ADP_API_TOKEN: ' from-env ' }, tokens: [{ name: 'ci', sha256: hashToken('from-config') }] });
    expect(env.source).toBe('env+config');
    expect(env.loginToken).toBe('from-env');
    expect(env.verifier.verify('from-env') && env.verifier.verify('from-config')).toBe(true);
    const config = resolveAuth({ env: {}, tokens: [{ name: 'ci', sha256: hashToken('from-config') }] });
    expect(config.source).toBe('config');
    expect(config.loginToken).toBeUndefined();
    const generated = resolveAuth({ env: { ADP_API_TOKEN: '' } });
    expect(generated.source).toBe('generated');
    expect(generated.verifier.verify(generated.loginToken)).toBe(true);
  });
});

describe('SessionSigner', () => {
  it('verifies its own cookies until they expire, and no other signer’s', () => {
    let now = 1_000_000;
    const signer = new SessionSigner({ now: () => now });
    const cookie = signer.issue();
    expect(signer.verify(cookie)).toBe(true);
    expect(new SessionSigner({ now: () => now }).verify(cookie)).toBe(false);
    now += 7 * 24 * 3600 * 1000 + 1;
    expect(signer.verify(cookie)).toBe(false);
    for (const bad of [undefined, '', '.', 'abc', '123.', `${'9'.repeat(17)}.x`]) expect(signer.verify(bad)).toBe(false);
  });
});
