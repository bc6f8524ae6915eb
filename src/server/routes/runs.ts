import { createRoute } from '@hono/zod-openapi';
import * as z from 'zod';
import { NotFoundError, StateError } from '../../domain/errors.js';
import { createRun } from '../../engine/create-run.js';
import { ConflictError } from '../http-errors.js';
import { toRunView } from '../run-view.js';
import { outputPreviewSchema, runEventSchema, runViewSchema, scriptSchema } from '../schemas/records.js';
import { previewOutput } from '../../engine/output-preview/preview-output.js';
import { runTimeline } from '../../domain/run-events.js';
import { retryRun } from '../../engine/retry-run.js';
import { curationParamSchema, noQuerySchema, previewQuerySchema, runParamSchema, runRequestSchema } from '../schemas/requests.js';
import { errorResponses, json, type ApiApp, type ApiContext } from './route-kit.js';

const tags = ['runs'];

const accepted = z.object({
  curationExecutionName: z.string(),
  status: z.enum(['queued', 'cancelling']),
});

const start = createRoute({
  method: 'post',
  path: '/curations/{curationType}/runs',
  tags,
  summary: 'Start a run now; it executes in the background',
  request: {
    params: curationParamSchema,
    query: noQuerySchema,
    body: { required: false, content: { 'application/json': { schema: runRequestSchema } } },
  },
  responses: { 202: json(accepted, 'Queued; follow it at /runs/{curationExecutionName}'), ...errorResponses(400, 404, 413) },
});

const active = createRoute({
  method: 'get',
  path: '/runs',
  tags,
  summary: 'Runs not yet finished (queued or running), oldest first',
  request: { query: noQuerySchema },
  responses: { 200: json(z.object({ runs: z.array(runViewSchema) }), 'Active runs'), ...errorResponses() },
});

const get = createRoute({
  method: 'get',
  path: '/runs/{name}',
  tags,
  summary: 'A run: status, current step, and its history record once it has ended',
  request: { params: runParamSchema, query: noQuerySchema },
  responses: { 200: json(runViewSchema, 'The run'), ...errorResponses(400, 404) },
});

const cancel = createRoute({
  method: 'post',
  path: '/runs/{name}/cancel',
  tags,
  summary: 'Cancel a queued or running run; it ends with status cancelled',
  request: { params: runParamSchema, query: noQuerySchema },
  responses: { 202: json(accepted, 'Cancelling'), ...errorResponses(400, 404, 409) },
});

const script = createRoute({
  method: 'get',
  path: '/runs/{name}/script',
  tags,
  summary: 'The SQL a run executed, read at the commit it recorded',
  request: { params: runParamSchema, query: noQuerySchema },
  responses: { 200: json(scriptSchema, 'The script'), ...errorResponses(400, 404, 409) },
});

const events = createRoute({
  method: 'get',
  path: '/runs/{name}/events',
  tags,
  summary: "A run's event log: queued, steps started and finished with durations, retries, take-overs, cancels, how it finished",
  request: { params: runParamSchema, query: noQuerySchema },
  responses: {
    200: json(z.object({ curationExecutionName: z.string(), events: z.array(runEventSchema) }), 'Events, oldest first'),
    ...errorResponses(400, 404),
  },
});

const preview = createRoute({
  method: 'get',
  path: '/runs/{name}/preview',
  tags,
  summary: "The first rows of a finished run's output, and whether its output and raw result are still there",
  description:
    'Read through the object store in ranges: at most 256 KiB of a CSV or JSON file (gzip and zstd included), the footer and first pages of a Parquet file, the first data file of a partitioned folder. A file that is gone or cannot be read gives a `note`, not an error.',
  request: { params: runParamSchema, query: previewQuerySchema },
  responses: { 200: json(outputPreviewSchema, 'The preview'), ...errorResponses(404, 409) },
});

const retry = createRoute({
  method: 'post',
  path: '/runs/{name}/retry',
  tags,
  summary: 'Start a new run repeating an ended one: same curation, parameters and scheduled time, trigger retry',
  request: { params: runParamSchema, query: noQuerySchema },
  responses: { 202: json(accepted, 'Queued; follow it at /runs/{curationExecutionName}'), ...errorResponses(400, 404, 409) },
});

/** Starting, following, retrying and cancelling runs. */
export function registerRunRoutes(app: ApiApp, { ports, launcher }: ApiContext): void {
  const view = async (name: string) => {
    const [run, record] = await Promise.all([ports.state.getRun(name), ports.state.getHistoryRecord(name)]);
    const v = toRunView(run, record);
    if (!v) throw new NotFoundError('run', name);
    return { view: v, run };
  };

  app.openapi(start, async (c) => {
    const { curationType } = c.req.valid('param');
    const body = c.req.valid('json');
    // createRun refuses an unregistered curation (404) before anything is queued; the path schema refused bad names (400).
    const run = await createRun({ ...ports, queue: ports.scheduling }, { curationType, trigger: body.trigger ?? 'api', parameters: body.parameters });
    await launcher.launch(run);
    c.header('Location', `/api/v1/runs/${run.executionName}`);
    return c.json({ curationExecutionName: run.executionName, status: 'queued' as const }, 202);
  });

  app.openapi(active, async (c) => {
    const runs = await ports.state.listActiveRuns();
    return c.json({ runs: runs.map((r) => toRunView(r, undefined)!) }, 200);
  });

  app.openapi(get, async (c) => c.json((await view(c.req.valid('param').name)).view, 200));

  app.openapi(cancel, async (c) => {
    const { name } = c.req.valid('param');
    const { view: v } = await view(name);
    if (v.record) throw new ConflictError(`run '${name}' already ended with status ${v.record.status}`);
    const outcome = launcher.cancel ? await launcher.cancel(name) : 'not-held';
    if (outcome === 'not-held') {
      throw new ConflictError(
        `run '${name}' is not executed by this server${v.worker ? ` (held by ${v.worker})` : ''}: cancel it where it runs`,
      );
    }
    return c.json({ curationExecutionName: name, status: 'cancelling' as const }, 202);
  });

  app.openapi(events, async (c) => {
    const { name } = c.req.valid('param');
    const [run, record] = await Promise.all([ports.state.getRun(name), ports.state.getHistoryRecord(name)]);
    if (!run && !record) throw new NotFoundError('run', name);
    return c.json({ curationExecutionName: name, events: runTimeline(run, record) }, 200);
  });

  app.openapi(preview, async (c) => {
    const { name } = c.req.valid('param');
    const record = await ports.state.getHistoryRecord(name);
    if (!record) {
      if (await ports.state.getRun(name)) throw new ConflictError(`run '${name}' has not finished: its output can be previewed once it has`);
      throw new NotFoundError('run', name);
    }
    const definition = (await ports.state.getCuration(record.curationType))?.definition;
    return c.json(await previewOutput(ports.objects, record, definition, c.req.valid('query').rows), 200);
  });

  app.openapi(retry, async (c) => {
    const { name } = c.req.valid('param');
    const run = await retryRun({ ...ports, queue: ports.scheduling }, name);
    await launcher.launch(run);
    c.header('Location', `/api/v1/runs/${run.executionName}`);
    return c.json({ curationExecutionName: run.executionName, status: 'queued' as const }, 202);
  });

  app.openapi(script, async (c) => {
    const { name } = c.req.valid('param');
    const { view: v } = await view(name);
    const commit = v.scriptFileCommitId;
    const path = v.sqlFilePath ?? (await ports.state.getCuration(v.curationType))?.definition.sqlFilePath;
    if (!commit || !path) throw new StateError(`run '${name}' did not get as far as reading its script`);
    const s = await ports.scripts.readAt(path, commit);
    return c.json({ path: s.path, commitId: s.commitId, text: s.text }, 200);
  });
}
