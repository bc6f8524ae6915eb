import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type RunningServe } from '../../src/cli/start-serve.js';
import { openProject } from '../../src/drivers/open-project.js';
import type { Project } from '../../src/drivers/project.js';
import { homeLayout } from '../../src/drivers/common/home.js';
import { startApiServer } from '../../src/server/serve-starter.js';
import { cleanup, exampleHome } from '../helpers/cli.js';
import { sampleDefinition } from '../helpers/definitions.js';
import { commitScript } from '../helpers/git.js';

const TOKEN = 'serve-token-0123456789';

describe('the API inside adp serve (scheduler, worker pool, leases)', () => {
  let home: string;
  let project: Project;
  let serve: RunningServe;
  const lines: string[] = [];
  const call = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${serve.url}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...init.headers } });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    home = await exampleHome(30);
    commitScript(home, 'tests/slow.sql', 'select count(*) from range(1000000000) a, range(1000000000) b');
    project = await openProject(homeLayout(home));
    await project.state.putCuration({ ...(sampleDefinition() as any), curationType: 'slow', sqlFilePath: 'tests/slow.sql', enabled: false });
    serve = await startServe(project, { port: 0, log: (l) => lines.push(l), logError: (l) => lines.push(l), http: (ctx) => startApiServer(ctx, { ADP_API_TOKEN: TOKEN }) });
  });
  afterAll(async () => {
    await serve?.stop(5000);
    await project?.close();
    cleanup(home);
  });

  it('prints no login URL carrying a token from ADP_API_TOKEN, and answers /healthz with the server health', async () => {
    expect(serve.loginUrl).toBeUndefined();
    const res = await fetch(`${serve.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', workerId: serve.workerId, scheduler: { scheduled: 1 } });
  });

  it("shows the scheduler's next tick as the next fire time", async () => {
    const { body } = await call('/api/v1/curations/wildrydes-rydebooking');
    const due = serve.context.service.scheduler.nextDue('wildrydes-rydebooking');
    expect(body.nextFireTime).toBe(due?.toISOString());
    expect(body.nextFireTimes[0]).toBe(due?.toISOString());
    expect((await call('/api/v1/curations/slow')).body.nextFireTime).toBeNull();
  });

  it('runs a run started by the API in the worker pool, and cancels one through the state store', async () => {
    const started = await call('/api/v1/curations/slow/runs', { method: 'POST', body: '{}' });
    expect(started.status).toBe(202);
    const name = started.body.curationExecutionName;
    for (let i = 0; i < 500; i++) {
      const run = (await call(`/api/v1/runs/${name}`)).body;
      if (run.step === 'awaitQuery') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await call(`/api/v1/runs/${name}/cancel`, { method: 'POST' })).status).toBe(202);
    let run: any;
    for (let i = 0; i < 500 && !run?.record; i++) {
      await new Promise((r) => setTimeout(r, 20));
      run = (await call(`/api/v1/runs/${name}`)).body;
    }
    expect(run.record).toMatchObject({ status: 'cancelled', trigger: 'api' });
    const metrics = await (await fetch(`${serve.url}/metrics`)).text();
    expect(metrics).toMatch(/adp_runs_total\{curation="slow",status="cancelled"\} 1/);
  });
});
