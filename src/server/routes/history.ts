import { createRoute } from '@hono/zod-openapi';
import * as z from 'zod';
import { ValidationError } from '../../domain/errors.js';
import { isValidTimezone, nextFireTimes, parseScheduleExpression } from '../../domain/schedule/index.js';
import { bucketMinutesFor, mergeCells, MINUTE_MS } from '../../domain/timeline.js';
import { historyRecordSchema, timelineSchema } from '../schemas/records.js';
import { historyQuerySchema, scheduleNextQuerySchema, timelineQuerySchema } from '../schemas/requests.js';
import { errorResponses, json, type ApiApp, type ApiContext } from './route-kit.js';

const history = createRoute({
  method: 'get',
  path: '/history',
  tags: ['history'],
  summary: 'Terminal run records, newest first, one page at a time',
  request: { query: historyQuerySchema },
  responses: {
    200: json(
      z.object({
        records: z.array(historyRecordSchema),
        nextCursor: z.string().optional().meta({ description: 'Pass as `cursor` for the next page; absent on the last page' }),
      }),
      'One page',
    ),
    ...errorResponses(400),
  },
});

const timeline = createRoute({
  method: 'get',
  path: '/timeline',
  tags: ['history'],
  summary: 'The runs that started in a window, as the timeline draws them: each run, or counts per bucket when there are many',
  description:
    'Status, times and duration only. Up to `pointLimit` runs come back one by one; past that, the store counts them per minute, status and duration decade and the counts are merged into at most `buckets` buckets across the drawn range, so the answer stays small for any number of runs.',
  request: { query: timelineQuerySchema },
  responses: {
    200: json(timelineSchema, 'The window'),
    ...errorResponses(400),
  },
});

const scheduleNext = createRoute({
  method: 'get',
  path: '/schedule/next',
  tags: ['schedule'],
  summary: 'The next fire times of a cron() or rate() expression',
  request: { query: scheduleNextQuerySchema },
  responses: {
    200: json(
      z.object({ expression: z.string(), timezone: z.string(), fireTimes: z.array(z.string().meta({ description: 'ISO-8601 UTC' })) }),
      'Fire times, oldest first (fewer than count when the schedule ends)',
    ),
    ...errorResponses(400),
  },
});

/** History pages and schedule previews. */
export function registerHistoryRoutes(app: ApiApp, { ports }: ApiContext): void {
  app.openapi(history, async (c) => {
    const { status, q: search, ...q } = c.req.valid('query');
    const page = await ports.state.listHistory({
      ...q,
      ...(status === undefined ? {} : { statuses: status }),
      ...(search === undefined ? {} : { search }),
    });
    return c.json(page.nextCursor === undefined ? { records: page.records } : page, 200);
  });

  app.openapi(timeline, async (c) => {
    const q = c.req.valid('query');
    const to = q.to ?? ports.clock.now().getTime();
    const by = q.by ?? 'started';
    const got = await ports.state.historyTimeline({
      from: q.from,
      to,
      by,
      pointLimit: q.pointLimit,
      ...(q.curationType === undefined ? {} : { curationType: q.curationType }),
      ...(q.status === undefined ? {} : { statuses: q.status }),
      ...(q.q === undefined ? {} : { search: q.q }),
    });
    if ('points' in got) return c.json({ from: q.from, to, by, total: got.total, points: [...got.points] }, 200);
    // Placed by scheduled time, runs may lie before the window: buckets cover what is drawn.
    const first = Math.min(q.from, (got.cells[0]?.minute ?? Infinity) * MINUTE_MS);
    const last = Math.max(to, (got.cells.at(-1)?.minute ?? -Infinity) * MINUTE_MS);
    const bucketMinutes = bucketMinutesFor(last - first, q.buckets);
    return c.json({ from: q.from, to, by, total: got.total, bucketMinutes, cells: mergeCells(got.cells, bucketMinutes) }, 200);
  });

  app.openapi(scheduleNext, async (c) => {
    const q = c.req.valid('query');
    if (q.timezone !== undefined && q.tz !== undefined && q.timezone !== q.tz) {
      throw new ValidationError([{ path: 'tz', message: `is another name for timezone: give one of the two (got timezone=${q.timezone}, tz=${q.tz})` }], 'query string');
    }
    const field = q.timezone !== undefined ? 'timezone' : 'tz';
    const timezone = q.timezone ?? q.tz ?? 'UTC';
    if (!isValidTimezone(timezone)) {
      throw new ValidationError([{ path: field, message: `'${timezone}' is not an IANA time zone (e.g. Europe/London)` }], 'query string');
    }
    let expression;
    try {
      expression = parseScheduleExpression(q.expression);
    } catch (e) {
      throw new ValidationError([{ path: 'expression', message: (e as Error).message }], 'query string');
    }
    const after = new Date(q.from ?? ports.clock.now().getTime());
    const fireTimes = nextFireTimes(expression, { after, count: q.count, timezone }).map((d) => d.toISOString());
    return c.json({ expression: q.expression, timezone, fireTimes }, 200);
  });
}
