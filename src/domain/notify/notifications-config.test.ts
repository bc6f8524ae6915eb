import { describe, expect, it } from 'vitest';
import { configSchema } from '../config.js';
import { parseCuration } from '../curation.js';
import { ValidationError } from '../errors.js';
import { parseOrThrow } from '../zod-issues.js';
import { alertPolicy } from './notifications-config.js';
import { curationFixture } from '../../ports/state-store.contract.js';

const parseConfig = (input: unknown) => parseOrThrow(configSchema, input, 'config');

const issuesOf = (input: unknown) => {
  try {
    parseConfig(input);
    return [];
  } catch (e) {
    return (e as ValidationError).issues.map((i) => `${i.path}: ${i.message}`);
  }
};

describe('secret references in destination settings', () => {
  it('accepts {"env"} and {"file"} wherever a secret or URL may go, and keeps them unresolved in the config', () => {
    const config = parseConfig({
      notifications: [
        { type: 'webhook', url: { env: 'HOOK_URL' }, secret: { file: 'secrets/hook' }, headers: { authorization: { env: 'HOOK_AUTH' }, env: 'prod' }, events: ['failure'] },
        { type: 'slack', webhookUrl: { file: '/run/secrets/slack' }, events: ['failure'] },
        { type: 'email', smtp: { host: 'smtp.example.com', auth: { user: 'u', pass: { env: 'SMTP_PASS' } } }, from: 'adp@example.com', to: 'ops@example.com', events: ['failure'] },
      ],
      sinks: [
        { type: 'opensearch', node: { env: 'OS_NODE' }, index: 'h', auth: { username: 'admin', password: { env: 'OS_PASS' } } },
        { type: 'opensearch', node: 'http://127.0.0.1:9200', index: 'h2', auth: { apiKey: { file: 'os.key' } } },
      ],
    });
    expect(config.notifications[0]).toMatchObject({ url: { env: 'HOOK_URL' }, secret: { file: 'secrets/hook' }, headers: { authorization: { env: 'HOOK_AUTH' }, env: 'prod' } });
    expect(config.sinks[1]).toHaveProperty('auth', { apiKey: { file: 'os.key' } });
  });

  it('names the field of an unknown reference shape, and keeps the literal rule for strings', () => {
    const base = { type: 'webhook', url: 'https://hooks.example.com/a', events: ['failure'] };
    expect(issuesOf({ notifications: [{ ...base, secret: { vault: 'x' } }] })).toEqual(['notifications[0].secret: must be a string, or a reference {"env": "NAME"} or {"file": "path"}']);
    expect(issuesOf({ notifications: [{ ...base, secret: { env: 'A', file: 'b' } }] })).toEqual(['notifications[0].secret: file: unknown field of a reference ({"env": "NAME"} or {"file": "path"})']);
    expect(issuesOf({ notifications: [{ ...base, secret: { env: '1BAD' } }] })).toEqual([
      'notifications[0].secret.env: must be an environment variable name (A-Z a-z 0-9 _, not starting with a digit)',
    ]);
    expect(issuesOf({ notifications: [{ ...base, url: 'ftp://x' }] })).toEqual(['notifications[0].url: must be an http:// or https:// URL']);
    expect(issuesOf({ sinks: [{ type: 'opensearch', node: 'http://127.0.0.1:9200', index: 'h', auth: { apiKey: { fiel: 'k' } } }] })).toEqual([
      'sinks[0].auth: apiKey: must be a string, or a reference {"env": "NAME"} or {"file": "path"}',
    ]);
  });
});

describe('notification settings in the config and the definition', () => {
  it('accepts every destination type, sinks and publicUrl, with outbox defaults', () => {
    const config = parseConfig({
      publicUrl: 'https://adp.example.com',
      notifications: [
        { type: 'webhook', url: 'https://hooks.example.com/adp', secret: 's3cret', events: ['failure', 'recovery'], curations: ['wildrydes-rydebooking'] },
        { type: 'slack', webhookUrl: 'https://hooks.slack.com/services/T/B/X', events: ['failureStreak'], afterFailures: 5, repeatEvery: 3600 },
        { type: 'email', smtp: { host: 'smtp.example.com', port: 587, auth: { user: 'u', pass: 'p' } }, from: 'adp@example.com', to: ['ops@example.com'], events: ['stale'] },
        { type: 'sns', topicArn: 'arn:aws:sns:eu-west-1:123456789012:curation-events', events: ['success', 'failure'] },
        { type: 'log', events: ['longRunning', 'missedSchedule'] },
      ],
      sinks: [{ type: 'opensearch', node: 'http://127.0.0.1:9200', index: 'wildrydes-dev-curationHistory', auth: { username: 'admin', password: 'x' } }],
    });
    expect(config.outbox).toMatchObject({ maxAttempts: 24, backoff: { initialMs: 1000, maxMs: 600_000, factor: 2 }, runWaitSeconds: 15 });
    const policy = alertPolicy(config);
    expect(policy.routes.map((r) => r.destination.type)).toEqual(['webhook', 'slack', 'email', 'sns', 'log']);
    expect(policy.routes[1]).toMatchObject({ afterFailures: 5, repeatEverySeconds: 3600 });
    expect(policy.routes[0]!.curations).toEqual(new Set(['wildrydes-rydebooking']));
    expect(policy.sinks[0]).toMatchObject({ type: 'opensearch', id: expect.stringMatching(/^opensearch-[0-9a-f]{12}$/) });
    expect(parseConfig({}).notifications).toEqual([]);
  });

  it('refuses unknown fields, unknown events, bad URLs and reused names, naming the field', () => {
    const issues = (input: unknown) => {
      try {
        parseConfig(input);
        return [];
      } catch (e) {
        return (e as ValidationError).issues.map((i) => `${i.path}: ${i.message}`);
      }
    };
    expect(issues({ notifications: [{ type: 'webhook', url: 'https://x.example', events: ['failure'], secrte: 'x' }] })).toEqual([
      'notifications[0].secrte: unknown field (check its spelling; unknown fields are refused)',
    ]);
    expect(issues({ notifications: [{ type: 'log', events: ['failed'] }] })[0]).toMatch(/^notifications\[0\]\.events\[0\]: must be one of "success"/);
    expect(issues({ notifications: [{ type: 'log', events: [] }] })[0]).toMatch(/notifications\[0\]\.events: must name at least one/);
    expect(issues({ notifications: [{ type: 'webhook', url: 'ftp://x', events: ['failure'] }] })).toEqual(['notifications[0].url: must be an http:// or https:// URL']);
    expect(issues({ notifications: [{ type: 'log', name: 'a', events: ['failure'] }, { type: 'log', name: 'a', events: ['success'] }] })).toEqual([
      'notifications[1].name: the name "a" is already used by notifications[0]',
    ]);
    expect(issues({ sinks: [{ type: 'opensearch', node: 'http://x:9200', index: 'a*b' }] })[0]).toMatch(/^sinks\[0\]\.index/);
  });

  it('gives a destination the same id however the config is ordered, and a named one its name', () => {
    const a = { type: 'webhook', url: 'https://x.example/a', events: ['failure'] };
    const b = { type: 'log', name: 'feed', events: ['success'] };
    const ids = (list: unknown[]) => alertPolicy(parseConfig({ notifications: list })).routes.map((r) => r.destination.id);
    expect(ids([a, b])).toEqual([...ids([b, a])].reverse());
    expect(ids([b])).toEqual(['feed']);
    expect(ids([a])).toEqual(ids([{ ...a, events: ['success'] }]));
  });

  it('lets a definition carry its own routes and alert thresholds', () => {
    const def = parseCuration({
      ...curationFixture(),
      notifications: [{ type: 'webhook', url: 'https://x.example/team', events: ['failure'] }],
      expectedDurationSeconds: 300,
      freshnessSeconds: 86_400,
      startDeadlineSeconds: 120,
    });
    expect(def.notifications).toHaveLength(1);
    expect(() => parseCuration({ ...curationFixture(), notifications: [{ type: 'webhook', url: 'x', events: ['failure'], curations: ['a'] }] })).toThrow(
      ValidationError,
    );
  });
});
