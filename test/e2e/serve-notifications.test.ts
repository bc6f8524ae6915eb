import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../src/drivers/open-project.js';
import type { Project } from '../../src/drivers/project.js';
import { homeLayout } from '../../src/drivers/common/home.js';
import { startServe } from '../../src/cli/start-serve.js';
import { startHealthServer } from '../../src/cli/health-server.js';
import { adp, cleanup, exampleHome } from '../helpers/cli.js';
import { CaptureServer, waitFor, type Reply } from '../helpers/http-capture.js';

describe('adp serve delivers notifications of the runs it executes (protocol-level HTTP capture server)', () => {
  let home: string;
  let hooks: CaptureServer;
  beforeAll(async () => {
    home = await exampleHome(30);
    hooks = await CaptureServer.start((): Reply => ({ body: 'ok' }));
    const file = path.join(home, 'adp.config.json');
    const config = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...config, scheduler: { pollMs: 50 }, outbox: { pollMs: 50 }, notifications: [{ type: 'webhook', url: `${hooks.url}/hook`, events: ['success'] }] }));
  });
  afterAll(async () => {
    await hooks.close();
    cleanup(home);
  });

  it('a queued run executed by serve reaches the webhook', async () => {
    const project = await openProject(homeLayout(home));
    const serve = await startServe(project, { port: 0, http: startHealthServer, log: () => {}, logError: () => {} });
    try {
      const queued = await adp(['--home', home, 'run', 'wildrydes-rydebooking', '--json']);
      const name = JSON.parse(queued.stdout).curationExecutionName;
      await waitFor(() => hooks.requests.some((r) => r.path === '/hook' && JSON.parse(r.body).executionName === name), 15_000, 'webhook delivery');
      const body = JSON.parse(hooks.requests.find((r) => r.path === '/hook')!.body);
      expect(body).toMatchObject({ event: 'success', curationType: 'wildrydes-rydebooking', rowCount: 30 });
    } finally {
      await serve.stop(5_000);
      await project.close();
    }
  });
});
