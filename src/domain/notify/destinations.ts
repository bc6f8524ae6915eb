import * as z from 'zod';
import { sha256Hex } from '../sha256.js';
import { secretOr, type Resolved } from './secret-ref.js';
import { stableJson } from './stable-id.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
const timeoutSeconds = z.number().min(0.1).max(300).optional();

/** A name that identifies a destination in `adp outbox list` and keeps its id stable when its fields change. */
export const destinationNameSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 . _ -');

/** Where each notifier type delivers; `name` is optional everywhere. */
export const notifierTargetShapes = {
  webhook: {
    type: z.literal('webhook'),
    url: secretOr(httpUrl),
    /** When set, every request carries `X-Adp-Signature: sha256=<HMAC of "<timestamp>.<body>">`. */
    secret: secretOr(z.string().min(1)).optional(),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name'), secretOr(z.string().max(4096))).optional(),
    timeoutSeconds,
  },
  slack: {
    type: z.literal('slack'),
    webhookUrl: secretOr(httpUrl),
    timeoutSeconds,
  },
  email: {
    type: z.literal('email'),
    smtp: z.strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).optional(),
      /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
      secure: z.boolean().optional(),
      requireTLS: z.boolean().optional(),
      auth: z.strictObject({ user: z.string().min(1), pass: secretOr(z.string()) }).optional(),
      timeoutSeconds,
    }),
    from: z.string().min(3),
    to: z.union([z.email(), z.array(z.email()).min(1)]),
  },
  sns: {
    type: z.literal('sns'),
    topicArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, 'must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)'),
    /** Default: the region in the ARN. */
    region: z.string().regex(/^[a-z0-9-]{1,32}$/).optional(),
    /** Another endpoint than AWS's (a local SNS-compatible service). */
    endpoint: httpUrl.optional(),
  },
  log: {
    type: z.literal('log'),
  },
} as const;

/** Which auth shape the input meant (by its keys), so a mistake is reported against that shape alone. */
function authIssue(issue: { input?: unknown; errors?: readonly (readonly { path: readonly PropertyKey[]; message: string }[])[] }): string {
  const input = issue.input;
  const meant = input && typeof input === 'object' ? ('type' in input ? 2 : 'apiKey' in input ? 1 : 'username' in input ? 0 : -1) : -1;
  const issues = issue.errors?.[meant];
  if (!issues?.length) return 'must be {"username", "password"}, {"apiKey"} or {"type": "sigv4", "region"}';
  return issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** The `opensearch` history sink (also OpenSearch-compatible Elasticsearch 7/8). */
export const openSearchSinkSchema = z.strictObject({
  type: z.literal('opensearch'),
  name: destinationNameSchema.optional(),
  node: secretOr(httpUrl),
  /** The index (the sample: the history table's name); lowercased when used. */
  index: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^\\/*?"<>| ,#:]+$/, 'must not contain \\ / * ? " < > | space , # :')
    .refine((s) => !s.startsWith('-') && !s.startsWith('_') && !s.startsWith('+') && s !== '.' && s !== '..', 'must not start with - _ + or be . or ..'),
  auth: z
    .union([
      z.strictObject({ username: z.string().min(1), password: secretOr(z.string()) }),
      z.strictObject({ apiKey: secretOr(z.string().min(1)) }),
      /** AWS-managed domains: requests signed with SigV4, credentials from the AWS SDK's default chain. */
      z.strictObject({
        type: z.literal('sigv4'),
        region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'must be an AWS region such as eu-west-1'),
        /** `es` for OpenSearch Service domains (default), `aoss` for OpenSearch Serverless collections. */
        service: z.enum(['es', 'aoss']).optional(),
      }),
    ], { error: authIssue })
    .optional(),
  timeoutSeconds,
  /** Documents per `_bulk` request. */
  batchSize: z.number().int().min(1).max(10_000).optional(),
});

/**
 * The `openlineage` sink: START and COMPLETE/FAIL/ABORT run events of the
 * OpenLineage 1.x spec, POSTed as JSON (its HTTP transport) to
 * `{url}/api/v1/lineage`, or to `endpoint` (a path under `url`) when set.
 */
export const openLineageSinkSchema = z.strictObject({
  type: z.literal('openlineage'),
  name: destinationNameSchema.optional(),
  /** The lineage backend's base address (Marquez: `http://host:5000`). */
  url: secretOr(httpUrl),
  /** The path events are POSTed to, under `url` (default `api/v1/lineage`). */
  endpoint: z
    .string()
    .regex(/^\/?[A-Za-z0-9._~!$&'()*+,;=:@%/-]{1,500}$/, 'must be a URL path such as "api/v1/lineage"')
    .refine((p) => !p.split('/').includes('..'), 'must not contain a .. segment')
    .optional(),
  /** Sent as `Authorization: Bearer <token>`. */
  apiKey: secretOr(z.string().min(1)).optional(),
  /** The jobs' namespace (default `adp`); each curation is the job of its curationType. */
  namespace: z.string().min(1).max(255).regex(/^\S+$/, 'must not contain spaces').optional(),
  /** The events' `producer` URI (default: adp's repository). */
  producer: z.url({ error: 'must be a URI such as https://example.com/adp' }).optional(),
  timeoutSeconds,
});

/** Every sink type of the config's `sinks`. */
export const sinkSchema = z.discriminatedUnion('type', [openSearchSinkSchema, openLineageSinkSchema]);
export type SinkConfig = z.infer<typeof sinkSchema>;
export type OpenSearchSinkConfig = z.infer<typeof openSearchSinkSchema>;
export type OpenLineageSinkConfig = z.infer<typeof openLineageSinkSchema>;

type Shapes = typeof notifierTargetShapes;
type TargetOf<K extends keyof Shapes> = z.infer<z.ZodObject<Shapes[K]>>;

/** A notifier destination as configured: its target fields (secrets possibly as references) plus a stable `id`. */
export type NotifierDestinationSpec = { [K in keyof Shapes]: TargetOf<K> & { readonly id: string } }[keyof Shapes];
/** A history sink (OpenSearch) as configured. */
export type SinkDestinationSpec = Omit<OpenSearchSinkConfig, 'name'> & { readonly id: string };
/** An OpenLineage sink as configured. */
export type LineageDestinationSpec = Omit<OpenLineageSinkConfig, 'name'> & { readonly id: string };
/** Any entry of the config's `sinks`, with its id. */
export type AnySinkDestinationSpec = SinkDestinationSpec | LineageDestinationSpec;
/** Anything the outbox delivers to, as configured. */
export type DestinationSpec = NotifierDestinationSpec | AnySinkDestinationSpec;

/** A notifier destination ready for its adapter: every secret reference replaced by its value. */
export type NotifierDestination = Resolved<NotifierDestinationSpec>;
export type SinkDestination = Resolved<SinkDestinationSpec>;
export type LineageDestination = Resolved<LineageDestinationSpec>;
export type Destination = NotifierDestination | SinkDestination | LineageDestination;

/** The history sinks (OpenSearch): they receive history records. */
export function isSinkDestination<D extends { readonly type: string }>(d: D): d is Extract<D, { type: 'opensearch' }> {
  return d.type === 'opensearch';
}

/** The OpenLineage sinks: they receive run events. */
export function isLineageDestination<D extends { readonly type: string }>(d: D): d is Extract<D, { type: 'openlineage' }> {
  return d.type === 'openlineage';
}

/** Types configured in `sinks` (the others are `notifications` routes). */
export const SINK_TYPES: ReadonlySet<string> = new Set(['opensearch', 'openlineage']);

const withId = { id: z.string().min(1) };
const s = notifierTargetShapes;
/**
 * A destination with an id, literal or not: checks what a reference resolved
 * to by the same rules as a literal in the config (a URL must be a URL).
 */
export const destinationSpecSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...s.webhook, ...withId }),
  z.strictObject({ ...s.slack, ...withId }),
  z.strictObject({ ...s.email, ...withId }),
  z.strictObject({ ...s.sns, ...withId }),
  z.strictObject({ ...s.log, ...withId }),
  openSearchSinkSchema.omit({ name: true }).extend(withId),
  openLineageSinkSchema.omit({ name: true }).extend(withId),
]);

/**
 * The destination's id: its `name`, else its type and a hash of its target
 * fields (so two routes to the same place share one id, and ids survive
 * reordering the config).
 */
export function destinationId(target: { type: string; name?: string }): string {
  if (target.name) return target.name;
  const { name: _name, ...rest } = target;
  return `${target.type}-${sha256Hex(stableJson(rest)).slice(0, 12)}`;
}
