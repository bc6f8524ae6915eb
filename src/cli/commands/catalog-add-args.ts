import * as z from 'zod';
import { bucketNameSchema, catalogNameSchema } from '../../domain/names.js';

/** The arguments of `catalog add`: the command line's strings, checked before the home is opened. */
export const catalogAddArgs = z.object({
  table: z.string().regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'must be DATABASE.TABLE'),
  location: z.string().regex(/^[^/]+(\/.*)?$/, 'must be BUCKET or BUCKET/PREFIX'),
  format: z.enum(['json', 'csv', 'parquet']),
});

/** The names `catalog add` makes of them: a database, a table and a bucket. */
export const catalogAddNames = z.object({ database: catalogNameSchema, table: catalogNameSchema, bucket: bucketNameSchema });
