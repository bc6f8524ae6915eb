import * as z from 'zod';
import { bucketNameSchema, catalogNameSchema, curationTypeSchema, relativePathSchema } from './names.js';
import { parseOrThrow } from './zod-issues.js';
import { ValidationError } from './errors.js';
import { parseScheduleExpression } from './schedule/parse.js';
import { curationAlertShape } from './notify/curation-alerts.js';
import { dependsOnShape } from './depends-on.js';
import { qualityChecksSchema } from './quality-checks.js';
import { outputOptionIssues, outputOptionsShape } from './output-options.js';
import { isValidTimezone } from './schedule/wall-clock.js';
import { outputTemplateIssues, parametersDefinitionSchema, templatedText } from './template/index.js';
import { CATCH_UP_POLICIES, OVERLAP_POLICIES } from './schedule-policy.js';

const mapKey = (what: string) => z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, `${what} keys must be 1-128 characters of A-Z a-z 0-9 . _ -`);

/** S3 sends user metadata as HTTP headers: printable ASCII only, at most 2 KB of keys and values together. */
const MAX_METADATA_BYTES = 2048;
const metadataMap = z
  .record(
    mapKey('metadata'),
    z
      .string()
      .max(256, 'metadata values must be at most 256 characters')
      .regex(/^[\x20-\x7e]*$/, 'metadata values must be printable ASCII (S3 carries them as HTTP headers)'),
  )
  .refine(
    (m) => Object.entries(m).reduce((n, [k, v]) => n + k.length + v.length, 0) <= MAX_METADATA_BYTES,
    `metadata keys and values must add up to at most ${MAX_METADATA_BYTES} characters (an S3 limit)`,
  );

/** S3 object tags: letters, digits, spaces and + - = . _ : / @ (any script), values up to 256. */
const tagMap = z
  .record(
    mapKey('tag'),
    z
      .string()
      .max(256, 'tag values must be at most 256 characters')
      .regex(/^[\p{L}\p{N}\p{Zs}+\-=._:/@]*$/u, 'tag values may hold only letters, digits, spaces and + - = . _ : / @ (S3 tag rules)'),
  )
  .refine((t) => Object.keys(t).length <= 10, 'at most 10 tags (an S3 object limit)');

const folderPath = relativePathSchema('bucket').or(z.literal(''));

const scheduleExpression = z.string().superRefine((expr, ctx) => {
  try {
    parseScheduleExpression(expr);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
  }
});

/** Output formats; the extension of the published file follows the format. */
export const outputFormatSchema = z.enum(['csv', 'parquet', 'json']);
export type OutputFormat = z.infer<typeof outputFormatSchema>;

/**
 * The curation definition: the sample's `curationDetails` item, field for
 * field, plus the optional extensions this engine implements. Unknown fields
 * are refused by name so a typo never silently disables a feature.
 *
 * @example
 * parseCuration(JSON.parse(fs.readFileSync('ddbCurationDetailsConfig.json', 'utf8')))
 */
export const curationSchema = z
  .strictObject({
    curationType: curationTypeSchema,
    sqlFilePath: relativePathSchema('scripts repository'),
    cronExpression: scheduleExpression,
    glueDetails: z.strictObject({
      database: catalogNameSchema,
      tables: z
        .array(
          z
            .string()
            .regex(/^[A-Za-z0-9_-]{1,255}(\.[A-Za-z0-9_-]{1,255})?$/, 'must be "table" or "database.table"'),
        )
        .optional(),
    }),
    athenaDetails: z
      .strictObject({
        athenaOutputBucket: bucketNameSchema.optional(),
        athenaOutputFolderPath: folderPath.optional(),
        deleteAthenaQueryFile: z.boolean().optional(),
        deleteMetadataFile: z.boolean().optional(),
      })
      .optional(),
    outputDetails: z.strictObject({
      outputBucket: bucketNameSchema,
      outputFolderPath: templatedText(folderPath).optional(),
      filename: templatedText(z
        .string()
        .regex(/^[A-Za-z0-9._=-]{1,200}$/, 'must be 1-200 characters of A-Z a-z 0-9 . _ = - (use outputFolderPath for folders)')
        .refine((s) => s !== '.' && s !== '..', 'must not be "." or ".."'))
        .optional(),
      includeTimestampInFilename: z.boolean().optional(),
      metadata: metadataMap.optional(),
      tags: tagMap.optional(),
      format: outputFormatSchema.optional(),
      ...outputOptionsShape,
    }),
    enabled: z.boolean().optional(),
    timezone: z
      .string()
      .refine(isValidTimezone, 'must be an IANA time zone name such as "Europe/London" or "UTC"')
      .optional(),
    catchUp: z.enum(CATCH_UP_POLICIES).optional(),
    maxCatchUp: z.number().int('must be an integer').min(1).max(1000).optional(),
    overlap: z.enum(OVERLAP_POLICIES).optional(),
    startDate: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time with a zone, e.g. 2027-01-01T00:00:00Z' }).optional(),
    timeoutSeconds: z.number().int('must be an integer').min(1).max(7 * 24 * 3600).optional(),
    /** Typed `{{ params.NAME }}` of the SQL, folder and filename templates (see domain/template). */
    parameters: parametersDefinitionSchema.optional(),
    /** Cost guard: refuse a run whose query scans more, where the engine can tell (see README). */
    maxBytesScanned: z.number().int('must be an integer').min(1).optional(),
    /** Checks on the query's result before it is published (see quality-checks.ts). */
    qualityChecks: qualityChecksSchema.optional(),
    ...curationAlertShape,
    ...dependsOnShape,
  })
  .superRefine((def, ctx) => {
    const out = def.outputDetails;
    for (const issue of outputTemplateIssues(out, def.parameters)) ctx.addIssue({ code: 'custom', path: issue.path.split('.'), message: issue.message });
    if (out.includeTimestampInFilename && !out.filename) {
      ctx.addIssue({
        code: 'custom',
        path: ['outputDetails', 'includeTimestampInFilename'],
        message: 'requires outputDetails.filename',
      });
    }
    for (const issue of outputOptionIssues(out)) ctx.addIssue({ code: 'custom', ...issue });
    if (def.qualityChecks?.length && out.partitionBy?.length) {
      // Checks read the result as one file; a partitioned result is a folder of them.
      ctx.addIssue({ code: 'custom', path: ['qualityChecks'], message: 'cannot be combined with outputDetails.partitionBy yet: remove one of the two' });
    }
  });

export type CurationDefinition = z.infer<typeof curationSchema>;

/** Validates a definition (already parsed from JSON) or throws a ValidationError naming every bad field. */
export function parseCuration(input: unknown): CurationDefinition {
  const proto = findProtoKey(input, '');
  if (proto !== undefined) {
    throw new ValidationError([{ path: proto, message: 'the key "__proto__" is not allowed' }], 'curation definition');
  }
  return parseOrThrow(curationSchema, input, 'curation definition');
}

/** An own "__proto__" key (JSON.parse makes them) would be dropped silently by object copies; find it first. */
function findProtoKey(value: unknown, path: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const key of Object.keys(value)) {
    const here = path ? `${path}.${key}` : key;
    if (key === '__proto__') return here;
    const inner = findProtoKey((value as Record<string, unknown>)[key], here);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** The definition with the sample's defaults applied, as the run workflow uses it. */
export interface ResolvedOutput {
  readonly rawBucket: string;
  readonly rawFolder: string;
  readonly deleteRawResult: boolean;
  readonly deleteMetadataFile: boolean;
  readonly format: OutputFormat;
  readonly timeoutSeconds: number;
}

export const DEFAULT_TIMEOUT_SECONDS = 1800;

export function resolveOutput(def: CurationDefinition): ResolvedOutput {
  const athena = def.athenaDetails ?? {};
  return {
    rawBucket: athena.athenaOutputBucket ?? def.outputDetails.outputBucket,
    rawFolder: normaliseFolder(athena.athenaOutputFolderPath),
    deleteRawResult: athena.deleteAthenaQueryFile ?? true,
    deleteMetadataFile: athena.deleteMetadataFile ?? true,
    format: def.outputDetails.format ?? 'csv',
    timeoutSeconds: def.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
  };
}

/** "" stays ""; any other folder ends with exactly one "/". */
export function normaliseFolder(folder: string | undefined): string {
  if (!folder) return '';
  return folder.endsWith('/') ? folder : `${folder}/`;
}
