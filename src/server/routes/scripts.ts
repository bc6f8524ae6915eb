import { createRoute } from '@hono/zod-openapi';
import * as z from 'zod';
import { NotFoundError } from '../../domain/errors.js';
import { dryRun } from '../../engine/dry-run.js';
import { curationDefinitionSchema, scriptSchema } from '../schemas/records.js';
import { curationParamSchema, noQuerySchema, scriptQuerySchema } from '../schemas/requests.js';
import { validationHook } from '../validation-hook.js';
import { errorResponses, json, type ApiApp, type ApiContext } from './route-kit.js';

const checksSchema = z
  .object({
    curationType: z.string(),
    ok: z.boolean(),
    checks: z.array(
      z.object({ check: z.enum(['definition', 'script', 'catalog', 'buckets', 'render', 'query', 'scan']), ok: z.boolean(), detail: z.string() }),
    ),
    renderedSql: z.string().optional().meta({ description: 'The SQL with its templates rendered as for a manual run now' }),
    sqlSha256: z.string().optional(),
    scanBytes: z.number().optional().meta({ description: 'Bytes the query would scan, where the engine can tell before running' }),
  })
  .meta({ id: 'ValidationReport' });

const script = createRoute({
  method: 'get',
  path: '/curations/{curationType}/script',
  tags: ['curations'],
  summary: "The curation's SQL at a commit (default: the head of the branch)",
  request: { params: curationParamSchema, query: scriptQuerySchema },
  responses: { 200: json(scriptSchema, 'The script'), ...errorResponses(400, 404) },
});

const validateStored = createRoute({
  method: 'post',
  path: '/curations/{curationType}/validate',
  tags: ['curations'],
  summary: 'Dry run of a registered curation (as `adp validate TYPE`): script, tables, buckets, EXPLAIN',
  request: { params: curationParamSchema, query: noQuerySchema },
  responses: { 200: json(checksSchema, 'One result per check'), ...errorResponses(400, 404) },
});

const validateBody = createRoute({
  method: 'post',
  path: '/validate',
  tags: ['curations'],
  summary: 'Dry run of a definition that need not be registered (as `adp validate FILE`)',
  request: { query: noQuerySchema, body: { required: true, content: { 'application/json': { schema: curationDefinitionSchema } } } },
  responses: { 200: json(checksSchema, 'One result per check'), ...errorResponses(400, 413) },
});

/** Scripts at a commit, and dry runs. */
export function registerScriptRoutes(app: ApiApp, { ports }: ApiContext): void {
  const stored = async (curationType: string) => {
    const s = await ports.state.getCuration(curationType);
    if (!s) throw new NotFoundError('curation', curationType);
    return s.definition;
  };
  const report = async (definition: Awaited<ReturnType<typeof stored>>) => {
    const { checks, renderedSql, sqlSha256, scanBytes } = await dryRun({ ...ports, queries: await ports.queries() }, definition);
    return { curationType: definition.curationType, ok: checks.every((r) => r.ok), checks, renderedSql, sqlSha256, scanBytes };
  };

  app.openapi(script, async (c) => {
    const { curationType } = c.req.valid('param');
    const { commit } = c.req.valid('query');
    const def = await stored(curationType);
    const s = commit ? await ports.scripts.readAt(def.sqlFilePath, commit) : await ports.scripts.readAtHead(def.sqlFilePath);
    return c.json({ path: s.path, commitId: s.commitId, text: s.text }, 200);
  });

  app.openapi(validateStored, async (c) => c.json(await report(await stored(c.req.valid('param').curationType)), 200));

  app.openapi(validateBody, async (c) => c.json(await report(c.req.valid('json')), 200), validationHook('curation definition'));
}
