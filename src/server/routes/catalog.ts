import { createRoute } from '@hono/zod-openapi';
import * as z from 'zod';
import { ValidationError, type FieldIssue } from '../../domain/errors.js';
import { bucketNameSchema, catalogNameSchema } from '../../domain/names.js';
import { tableInfoSchema } from '../schemas/records.js';
import { noQuerySchema, tableParamSchema, tableRequestSchema } from '../schemas/requests.js';
import { errorResponses, json, type ApiApp, type ApiContext } from './route-kit.js';

const tags = ['catalog'];

const list = createRoute({
  method: 'get',
  path: '/catalog',
  tags,
  summary: 'The tables queries may read',
  request: { query: noQuerySchema },
  responses: { 200: json(z.object({ tables: z.array(tableInfoSchema) }), 'Tables'), ...errorResponses() },
});

const put = createRoute({
  method: 'put',
  path: '/catalog/{database}/{table}',
  tags,
  summary: 'Add or replace a table (as `adp catalog add`)',
  request: { params: tableParamSchema, query: noQuerySchema, body: { required: true, content: { 'application/json': { schema: tableRequestSchema } } } },
  responses: { 200: json(tableInfoSchema, 'Stored'), ...errorResponses(400, 413) },
});

/** GET /catalog, PUT /catalog/{database}/{table}. */
export function registerCatalogRoutes(app: ApiApp, { ports }: ApiContext): void {
  app.openapi(list, async (c) => c.json({ tables: await ports.catalog.listTables() }, 200));

  app.openapi(put, async (c) => {
    const { database, table } = c.req.valid('param');
    const body = c.req.valid('json');
    const slash = body.location.indexOf('/');
    const bucket = slash < 0 ? body.location : body.location.slice(0, slash);
    const prefix = slash < 0 ? '' : body.location.slice(slash + 1).replace(/\/+$/, '');
    const issues: FieldIssue[] = [];
    const check = (path: string, schema: typeof catalogNameSchema, value: string) => {
      const r = schema.safeParse(value);
      if (!r.success) issues.push({ path, message: r.error.issues[0]?.message ?? 'invalid' });
    };
    check('database', catalogNameSchema, database);
    check('table', catalogNameSchema, table);
    check('location', bucketNameSchema, bucket);
    if (issues.length) throw new ValidationError(issues, 'table');
    const info = { database, name: table, location: { bucket, prefix }, format: body.format, hivePartitioning: body.hivePartitioning ?? false };
    await ports.catalog.putTable(info);
    return c.json(info, 200);
  });
}
