import { createRoute } from '@hono/zod-openapi';
import * as z from 'zod';
import { dependencyGraph } from '../../domain/dependency-graph.js';
import { checkDependencies } from '../../engine/check-dependencies.js';
import { setCurationEnabled } from '../../engine/pause-curation.js';
import { parseCuration } from '../../domain/curation.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { checkEnvironment } from '../../engine/steps/validate.js';
import { assertScriptTemplates } from '../../engine/run-template.js';
import { summarizeCuration, upcomingFires } from '../curation-summary.js';
import { curationDefinitionSchema, curationSummarySchema, dependencyGraphSchema, fieldIssueSchema } from '../schemas/records.js';
import { curationParamSchema, noQuerySchema } from '../schemas/requests.js';
import { validationHook } from '../validation-hook.js';
import { errorResponses, json, type ApiApp, type ApiContext } from './route-kit.js';

const tags = ['curations'];

const list = createRoute({
  method: 'get',
  path: '/curations',
  tags,
  summary: 'Every curation with its next fire time, last run and recent success rate',
  request: { query: noQuerySchema },
  responses: { 200: json(z.object({ curations: z.array(curationSummarySchema) }), 'Curations, by name'), ...errorResponses() },
});

const graph = createRoute({
  method: 'get',
  path: '/curations/graph',
  tags,
  summary: 'The dependency graph (dependsOn) of every curation, as `adp curation graph --json` prints it',
  description: 'A curation named `graph` is read through the list (`GET /curations`): this path is the graph.',
  request: { query: noQuerySchema },
  responses: { 200: json(dependencyGraphSchema, 'Nodes (by depth, then name) and edges (upstream → downstream)'), ...errorResponses(400) },
});

const get = createRoute({
  method: 'get',
  path: '/curations/{curationType}',
  tags,
  summary: 'One curation, with its next five fire times',
  request: { params: curationParamSchema, query: noQuerySchema },
  responses: {
    200: json(curationSummarySchema.extend({ nextFireTimes: z.array(z.string()) }), 'The curation'),
    ...errorResponses(400, 404),
  },
});

const putResult = z.object({
  curation: curationSummarySchema,
  created: z.boolean(),
  warnings: z.array(fieldIssueSchema).meta({ description: 'Problems a run would hit now (missing tables, buckets); the definition is stored anyway' }),
});

const put = createRoute({
  method: 'put',
  path: '/curations/{curationType}',
  tags,
  summary: 'Add or replace a curation (the body is the definition)',
  request: {
    params: curationParamSchema,
    query: noQuerySchema,
    body: { required: true, content: { 'application/json': { schema: curationDefinitionSchema } } },
  },
  responses: { 200: json(putResult, 'Replaced'), 201: json(putResult, 'Added'), ...errorResponses(400, 413) },
});

const remove = createRoute({
  method: 'delete',
  path: '/curations/{curationType}',
  tags,
  summary: 'Remove a curation (its history stays)',
  request: { params: curationParamSchema, query: noQuerySchema },
  responses: { 204: { description: 'Removed' }, ...errorResponses(400, 404) },
});

const enabledBody = z.object({ enabled: z.boolean().meta({ description: 'false pauses the schedule (runs start only by hand); true resumes it' }) }).strict();

const setEnabled = createRoute({
  method: 'put',
  path: '/curations/{curationType}/enabled',
  tags,
  summary: "Pause or resume a curation's schedule (its definition's `enabled`)",
  request: {
    params: curationParamSchema,
    query: noQuerySchema,
    body: { required: true, content: { 'application/json': { schema: enabledBody } } },
  },
  responses: { 200: json(curationSummarySchema, 'The curation, paused or resumed'), ...errorResponses(400, 404, 413) },
});

/** GET|PUT|DELETE /curations[/{curationType}], GET /curations/graph, PUT /curations/{curationType}/enabled. */
export function registerCurationRoutes(app: ApiApp, { ports, nextDue }: ApiContext): void {
  const context = async () => ({ now: ports.clock.now(), active: await ports.state.listActiveRuns(), nextDue });

  app.openapi(list, async (c) => {
    const [stored, ctx] = await Promise.all([ports.state.listCurations(), context()]);
    stored.sort((a, b) => (a.definition.curationType < b.definition.curationType ? -1 : 1));
    const curations = await Promise.all(stored.map((s) => summarizeCuration(ports.state, s, ctx)));
    return c.json({ curations }, 200);
  });

  // Before `get`, whose {curationType} would take the word `graph`.
  app.openapi(graph, async (c) => {
    const stored = await ports.state.listCurations();
    return c.json(dependencyGraph(stored.map((s) => s.definition)), 200);
  });

  app.openapi(get, async (c) => {
    const { curationType } = c.req.valid('param');
    const stored = await ports.state.getCuration(curationType);
    if (!stored) throw new NotFoundError('curation', curationType);
    const ctx = await context();
    const summary = await summarizeCuration(ports.state, stored, ctx);
    // From the scheduler's next tick on, when it has one: later ticks follow from it.
    const due = nextDue?.(curationType);
    const after = due ? new Date(due.getTime() - 1) : ctx.now;
    const nextFireTimes = upcomingFires(stored.definition, after, 5, { from: due, createdAt: stored.createdAt }).map((d) => d.toISOString());
    return c.json({ ...summary, nextFireTimes }, 200);
  });

  app.openapi(
    put,
    async (c) => {
      const { curationType } = c.req.valid('param');
      const definition = parseCuration(c.req.valid('json'));
      if (definition.curationType !== curationType) {
        throw new ValidationError(
          [{ path: 'curationType', message: `must equal the name in the URL ('${curationType}'), got '${definition.curationType}'` }],
          'curation definition',
        );
      }
      const dependencyWarnings = await checkDependencies(ports.state, definition);
      const warnings = [...(await checkEnvironment(ports, definition)), ...dependencyWarnings];
      await assertScriptTemplates(ports.scripts, definition);
      const stored = await ports.state.putCuration(definition);
      const curation = await summarizeCuration(ports.state, stored, await context());
      const created = stored.version === 1;
      return c.json({ curation, created, warnings: [...warnings] }, created ? 201 : 200);
    },
    validationHook('curation definition'),
  );

  app.openapi(
    setEnabled,
    async (c) => {
      const { curationType } = c.req.valid('param');
      const { enabled } = c.req.valid('json');
      const stored = await setCurationEnabled(ports.state, curationType, enabled);
      return c.json(await summarizeCuration(ports.state, stored, await context()), 200);
    },
    validationHook('request body'),
  );

  app.openapi(remove, async (c) => {
    const { curationType } = c.req.valid('param');
    if (!(await ports.state.deleteCuration(curationType))) throw new NotFoundError('curation', curationType);
    return c.body(null, 204);
  });
}
