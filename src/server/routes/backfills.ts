import { createRoute } from '@hono/zod-openapi';
import * as z from 'zod';
import { NotFoundError } from '../../domain/errors.js';
import { planBackfill } from '../../engine/backfill.js';
import { checkRunParameters, createRun } from '../../engine/create-run.js';
import { backfillStatus, type BackfillTick } from '../../scheduler/backfill.js';
import { curationParamSchema, backfillRequestSchema, noQuerySchema } from '../schemas/requests.js';
import { errorResponses, json, type ApiApp, type ApiContext } from './route-kit.js';

const tickSchema = z.object({
  scheduledTime: z.string(),
  status: z.enum(['pending', 'succeeded', 'active']).meta({
    description: 'pending: gets a run; succeeded: already ran successfully, left alone unless rerun; active: a run for it is queued or running',
  }),
  curationExecutionName: z.string().optional(),
});

const result = z.object({
  count: z.number().int().meta({ description: 'Fire times in the range' }),
  scheduledTimes: z.array(z.string()),
  ticks: z.array(tickSchema),
  runs: z.array(z.object({ curationExecutionName: z.string(), scheduledTime: z.string() })).meta({ description: 'Runs queued by this call' }),
});

const backfill = createRoute({
  method: 'post',
  path: '/curations/{curationType}/backfills',
  tags: ['curations'],
  summary: 'Queue one run per fire time in [from, to] (trigger backfill), as `adp backfill` does',
  description:
    'Fire times that already have a succeeded run are left alone unless `rerun`; fire times with a run still queued or running get no second one. `dryRun` only reports what would happen.',
  request: {
    params: curationParamSchema,
    query: noQuerySchema,
    body: { required: true, content: { 'application/json': { schema: backfillRequestSchema } } },
  },
  responses: {
    200: json(result, 'dryRun: what a backfill would do'),
    202: json(result, 'Queued'),
    ...errorResponses(400, 404, 413),
  },
});

/** POST /curations/{curationType}/backfills. */
export function registerBackfillRoutes(app: ApiApp, { ports, launcher, schedule }: ApiContext): void {
  app.openapi(backfill, async (c) => {
    const { curationType } = c.req.valid('param');
    const body = c.req.valid('json');
    const stored = await ports.state.getCuration(curationType);
    if (!stored) throw new NotFoundError('curation', curationType, 'see `adp curation list`');
    // Before planning, so a dry run refuses the values the runs would be refused.
    checkRunParameters(stored.definition, body.parameters);
    const times = planBackfill(stored.definition, { from: new Date(body.from), to: new Date(body.to), maxRuns: body.maxRuns });
    const ticks: BackfillTick[] = schedule
      ? await backfillStatus(schedule, stored, times, body.rerun ?? false)
      : times.map((d) => ({ scheduledTime: d.toISOString(), status: 'pending' }));
    const runs: { curationExecutionName: string; scheduledTime: string }[] = [];
    if (!body.dryRun) {
      for (const tick of ticks.filter((t) => t.status === 'pending')) {
        const run = await createRun({ ...ports, queue: ports.scheduling }, { curationType, trigger: 'backfill', scheduledTime: new Date(tick.scheduledTime), parameters: body.parameters });
        await launcher.launch(run);
        runs.push({ curationExecutionName: run.executionName, scheduledTime: tick.scheduledTime });
      }
    }
    const view = ticks.map(({ executionName, ...t }) => (executionName ? { ...t, curationExecutionName: executionName } : t));
    const payload = { count: ticks.length, scheduledTimes: ticks.map((t) => t.scheduledTime), ticks: view, runs };
    return body.dryRun ? c.json(payload, 200) : c.json(payload, 202);
  });
}
