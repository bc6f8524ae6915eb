import { createRoute, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../domain/errors.js';
import { createBackfillRuns, planBackfill } from '../../engine/backfill.js';
import { curationParamSchema, backfillRequestSchema } from '../schemas/requests.js';
import { errorResponses, json, type ApiApp, type ApiContext } from './route-kit.js';

const plan = z.object({
  count: z.number().int(),
  scheduledTimes: z.array(z.string()),
});

const created = plan.extend({
  runs: z.array(z.object({ curationExecutionName: z.string(), scheduledTime: z.string() })),
});

const backfill = createRoute({
  method: 'post',
  path: '/curations/{curationType}/backfills',
  tags: ['curations'],
  summary: 'Queue one run per fire time in [from, to] (trigger backfill); dryRun only lists them',
  request: {
    params: curationParamSchema,
    body: { required: true, content: { 'application/json': { schema: backfillRequestSchema } } },
  },
  responses: {
    200: json(plan, 'dryRun: the fire times a backfill would run'),
    202: json(created, 'Queued'),
    ...errorResponses(400, 404, 413),
  },
});

/** POST /curations/{curationType}/backfills. */
export function registerBackfillRoutes(app: ApiApp, { ports, launcher }: ApiContext): void {
  app.openapi(backfill, async (c) => {
    const { curationType } = c.req.valid('param');
    const body = c.req.valid('json');
    const stored = await ports.state.getCuration(curationType);
    if (!stored) throw new NotFoundError('curation', curationType);
    const range = { from: new Date(body.from), to: new Date(body.to), maxRuns: body.maxRuns, parameters: body.parameters };
    if (body.dryRun) {
      const times = planBackfill(stored.definition, range).map((d) => d.toISOString());
      return c.json({ count: times.length, scheduledTimes: times }, 200);
    }
    const runs = await createBackfillRuns(ports, stored.definition, range);
    for (const run of runs) await launcher.launch(run);
    const list = runs.map((r) => ({ curationExecutionName: r.executionName, scheduledTime: r.scheduledTime! }));
    return c.json({ count: list.length, scheduledTimes: list.map((r) => r.scheduledTime), runs: list }, 202);
  });
}
