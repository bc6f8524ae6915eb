import { createRoute } from '@hono/zod-openapi';
import * as z from 'zod';
import { ValidationError } from '../../domain/errors.js';
import { isValidTimezone, nextFireTimes, parseScheduleExpression } from '../../domain/schedule/index.js';
import { historyRecordSchema } from '../schemas/records.js';
import { historyQuerySchema, scheduleNextQuerySchema } from '../schemas/requests.js';
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
    const q = c.req.valid('query');
    const page = await ports.state.listHistory(q);
    return c.json(page.nextCursor === undefined ? { records: page.records } : page, 200);
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
