import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { SqliteStateStore } from '../../src/adapters/sqlite/sqlite-state-store.js';
import { adp, cleanup, exampleHome } from '../helpers/cli.js';
import { writeDefinition } from '../helpers/definitions.js';

// The CLI over a real example home: put refuses a cycle (exit 2, named),
// `curation graph` prints the graph, `adp run --wait --downstream` queues
// the curations downstream once the run succeeded.

describe('dependsOn through the CLI (example home)', () => {
  let home: string;

  beforeAll(async () => {
    home = await exampleHome(50);
    const put = async (type: string, dependsOn?: string[]) => {
      const file = writeDefinition(home, { curationType: type, enabled: false, ...(dependsOn ? { dependsOn } : {}) });
      return adp(['--home', home, 'curation', 'put', file]);
    };
    expect((await put('raw')).code).toBe(0);
    expect((await put('side')).code).toBe(0);
    expect((await put('report', ['raw', 'side'])).code).toBe(0);
    const early = await put('final', ['report', 'later']);
    expect(early.code).toBe(0);
    expect(early.stderr).toContain("warning: dependsOn.1: upstream 'later' is not a registered curation yet");
  });
  afterAll(() => cleanup(home));

  it('refuses a cycle at put, naming it (exit 2), and stores nothing', async () => {
    const file = writeDefinition(home, { curationType: 'raw', enabled: false, dependsOn: ['final'] });
    const r = await adp(['--home', home, 'curation', 'put', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('adp: dependsOn: a dependency cycle raw → final → report → raw (each waits for the next): remove one of these names from dependsOn');
    const shown = await adp(['--home', home, 'curation', 'show', 'raw', '--json']);
    expect(JSON.parse(shown.stdout).definition.dependsOn).toBeUndefined();
  });

  it('prints the graph as text and JSON', async () => {
    const text = await adp(['--home', home, 'curation', 'graph']);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => !l.includes('<-')).map((l) => l.trim())).toEqual(expect.arrayContaining(['raw', 'side']));
    expect(lines.find((l) => l.includes('report'))).toMatch(/^ {2}report\s+<- raw, side$/);
    expect(lines.find((l) => l.includes('final'))).toMatch(/^ {4}final\s+<- later \(not registered\), report$/);
    const json = JSON.parse((await adp(['--home', home, 'curation', 'graph', '--json'])).stdout);
    expect(json.edges).toEqual(expect.arrayContaining([{ upstream: 'raw', downstream: 'report' }, { upstream: 'later', downstream: 'final' }]));
    expect(json.nodes.find((n: { curationType: string }) => n.curationType === 'raw')).toMatchObject({ depth: 0, downstream: ['report'] });
  });

  it('adp run --wait --downstream: after the run succeeded, its downstream is queued with trigger dependency and the same scheduledTime', async () => {
    const r = await adp(['--home', home, 'run', 'raw', '--wait', '--downstream']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/downstream queued report \S+ \(after raw /);
    const state = SqliteStateStore.open(path.join(home, 'state.db'));
    try {
      const [raw] = (await state.listHistory({ curationType: 'raw', limit: 1 })).records;
      const report = (await state.listActiveRuns()).find((x) => x.curationType === 'report');
      expect(report).toMatchObject({ trigger: 'dependency', status: 'queued', scheduledTime: raw!.scheduledTime, context: { downstream: { root: 'raw' } } });
    } finally {
      await state.close();
    }
  });
});
