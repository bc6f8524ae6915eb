import { z } from 'zod';
import { awsPrefixSchema } from '../../../src/domain/config.js';

/**
 * A deployment option (CDK context, `-c key=value`) refused: `key` names
 * the option; the message names its value and what would be accepted.
 */
export class DeployOptionsError extends Error {
  readonly code = 'DEPLOY_OPTIONS_INVALID';
  constructor(
    readonly issues: readonly { readonly key: string; readonly message: string }[],
  ) {
    super(`invalid deployment options:\n${issues.map((i) => `  -c ${i.key}: ${i.message}`).join('\n')}`);
    this.name = 'DeployOptionsError';
  }
}

const bucketName = z
  .string()
  .regex(/^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 characters of a-z 0-9 . -)');
const kmsKeyArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,128}$/, 'must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID; an alias is not enough for DynamoDB)');
const secretArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret ARN');
const streamArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9._-]{3,255}\/stream\/[0-9T:.-]+$/,
    'must be a DynamoDB stream ARN (aws dynamodb describe-table --table-name NAME --query Table.LatestStreamArn)',
  );
const openSearchDomainArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:es:[a-z0-9-]+:\d{12}:domain\/[a-z][a-z0-9-]{2,27}$/, 'must be an OpenSearch domain ARN (arn:aws:es:REGION:ACCOUNT:domain/NAME)');
/** `https://search-NAME-ID.REGION.es.amazonaws.com` (a domain, public or VPC) or `https://ID.REGION.aoss.amazonaws.com` (a Serverless collection). */
const OPENSEARCH_ENDPOINT = /^https:\/\/([a-z0-9-]{1,128})\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.(es|aoss)\.amazonaws\.com\/?$/;

/** Comma-separated on the command line (`-c dataBuckets=a,b`), a JSON array in cdk.json. */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : v), z.array(item)).default([]);

/**
 * Where the SQL scripts come from:
 * - `codecommit:NAME`: an existing CodeCommit repository;
 * - `new-codecommit:NAME`: a CodeCommit repository this stack creates (and keeps on delete);
 * - `https://…`: any git remote over HTTPS, its token in the Secrets Manager secret `gitTokenSecretArn`.
 */
const scriptsSource = z.string().regex(
  /^((new-)?codecommit:[A-Za-z0-9_.-]{1,100}|https:\/\/\S+)$/,
  'must be codecommit:NAME (existing repository), new-codecommit:NAME (created here) or an https:// git clone URL',
);

/** Log retention periods CloudWatch Logs accepts. */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/**
 * Every deployment option, as CDK context (`-c key=value` or cdk.json's
 * `context`). Only `prefix` is required.
 */
export const deployOptionsSchema = z
  .strictObject({
    /** The sample's environment prefix: tables `{prefix}curationDetails`, `{prefix}curationHistory`, `{prefix}adpState`. */
    prefix: awsPrefixSchema,
    /** A customer-managed KMS key for tables, buckets, topics and queries; AWS-managed encryption otherwise. */
    kmsKeyArn: kmsKeyArn.optional(),
    /** An existing bucket for Athena's raw results; absent: the stack creates one. */
    athenaOutputBucket: bucketName.optional(),
    /** An existing bucket for published outputs; absent: the stack creates one. */
    curatedBucket: bucketName.optional(),
    /** Further buckets definitions publish to (write access). */
    outputBuckets: list(bucketName),
    /** Buckets the queried Glue tables live in (Athena reads them with the run-step function's role). */
    dataBuckets: list(bucketName),
    /** Glue databases the queries may read; absent: every database of the account and region. */
    glueDatabases: list(z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be a Glue database name')),
    /** The Athena workgroup queries run in. */
    workGroup: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be an Athena workgroup name').default('primary'),
    /** See {@link scriptsSource}; default: a new CodeCommit repository `{prefix}curation-scripts`. */
    scripts: scriptsSource.optional(),
    scriptsBranch: z.string().regex(/^[A-Za-z0-9._/-]{1,200}$/, 'must be a git branch name').default('main'),
    /** The token of an https:// scripts remote (SecretString: the token alone). */
    gitTokenSecretArn: secretArn.optional(),
    /**
     * `create`: the stack creates the three tables. `keep-sample`: the
     * sample's two tables exist and are referenced by name (kept as they
     * are; `adp migrate` adds adp's indexes), adpState is created.
     * `keep-all`: all three exist (e.g. made by `adp migrate`).
     */
    tables: z.enum(['create', 'keep-sample', 'keep-all']).default('create'),
    /** With kept tables: their streams (the schedule sync reads definitions, the history sink reads history). */
    curationsStreamArn: streamArn.optional(),
    historyStreamArn: streamArn.optional(),
    /** An OpenSearch domain (or Serverless collection) endpoint the history is indexed in; absent: no history-stream function. */
    openSearchEndpoint: z.string().regex(OPENSEARCH_ENDPOINT, 'must be https://search-NAME-ID.REGION.es.amazonaws.com or https://ID.REGION.aoss.amazonaws.com').optional(),
    /** The domain's ARN, when its name cannot be read from the endpoint (a custom endpoint). */
    openSearchDomainArn: openSearchDomainArn.optional(),
    logRetentionDays: z.coerce
      .number()
      .refine((n) => (RETENTION_DAYS as readonly number[]).includes(n), `must be one of ${RETENTION_DAYS.join(', ')}`)
      .default(30),
  })
  .superRefine((o, ctx) => {
    // A rule between options: its message stands alone (no value in front).
    const issue = (key: string, message: string) => ctx.addIssue({ code: 'custom', path: [key], message, params: { between: true } });
    if (o.scripts?.startsWith('https://') && !o.gitTokenSecretArn) issue('gitTokenSecretArn', 'required with an https:// scripts remote (the secret holding its token)');
    if (o.gitTokenSecretArn && !o.scripts?.startsWith('https://')) issue('gitTokenSecretArn', 'only used with an https:// scripts remote');
    if (o.tables !== 'create' && !o.curationsStreamArn) issue('curationsStreamArn', `required with tables=${o.tables}: the kept definitions table's stream`);
    if (o.tables !== 'create' && o.openSearchEndpoint && !o.historyStreamArn) issue('historyStreamArn', `required with tables=${o.tables} and openSearchEndpoint: the kept history table's stream`);
    if (o.tables === 'create' && (o.curationsStreamArn || o.historyStreamArn)) issue(o.curationsStreamArn ? 'curationsStreamArn' : 'historyStreamArn', 'only used with tables=keep-sample or keep-all');
    if (o.openSearchDomainArn && !o.openSearchEndpoint) issue('openSearchDomainArn', 'only used with openSearchEndpoint');
    if (o.openSearchEndpoint && !openSearchTarget(o.openSearchEndpoint, o.openSearchDomainArn)) {
      issue('openSearchDomainArn', 'required: the domain name cannot be read from openSearchEndpoint');
    }
  });

export type DeployOptions = z.output<typeof deployOptionsSchema>;

/** Context keys the CDK CLI itself may pass. */
const CDK_OWN_KEYS = new Set(['acknowledged-issue-numbers', 'cli-telemetry']);

/** The context keys the stack reads. */
export const DEPLOY_OPTION_KEYS = Object.keys(deployOptionsSchema.shape) as readonly (keyof DeployOptions)[];

/**
 * Reads and checks the options from CDK context (`scope.node.tryGetContext`),
 * ignoring the keys CDK itself puts there (`aws:cdk:…`, `@aws-cdk/…`).
 *
 * @throws DeployOptionsError naming every refused key with its value.
 * @example parseDeployOptions({ prefix: 'wildrydes-dev-', tables: 'keep-sample', curationsStreamArn: '…' })
 */
export function parseDeployOptions(context: Readonly<Record<string, unknown>>): DeployOptions {
  const own = Object.fromEntries(Object.entries(context).filter(([k]) => !k.includes(':') && !k.startsWith('@') && !CDK_OWN_KEYS.has(k)));
  const parsed = deployOptionsSchema.safeParse(own);
  if (parsed.success) return parsed.data;
  throw new DeployOptionsError(
    parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      if (i.code === 'unrecognized_keys') return { key: i.keys.join(', '), message: `unknown option (known: ${DEPLOY_OPTION_KEYS.join(', ')})` };
      if (i.code === 'invalid_type' && own[key] === undefined) return { key, message: key === 'prefix' ? 'required (e.g. -c prefix=wildrydes-dev-)' : 'required' };
      const value = own[key];
      const between = i.code === 'custom' && (i.params as { between?: boolean } | undefined)?.between;
      return { key, message: value === undefined || between ? i.message : `${JSON.stringify(value)} ${i.message}` };
    }),
  );
}

/** What the history-stream function may call: an OpenSearch domain's HTTP API, or a Serverless collection's. */
export type OpenSearchTarget =
  | { readonly service: 'es'; readonly region: string; readonly domainName: string }
  | { readonly service: 'aoss'; readonly region: string; readonly collectionId: string };

/** The domain (or collection) behind an endpoint, with its region; undefined when the name cannot be known. */
export function openSearchTarget(endpoint: string, domainArn?: string): OpenSearchTarget | undefined {
  const m = OPENSEARCH_ENDPOINT.exec(endpoint);
  if (!m) return undefined;
  const [, host, region, service] = m as unknown as [string, string, string, 'es' | 'aoss'];
  if (service === 'aoss') return { service, region, collectionId: host };
  if (domainArn) return { service, region, domainName: domainArn.slice(domainArn.lastIndexOf('/') + 1) };
  // search-NAME-ID or vpc-NAME-ID, ID being the 26 characters AWS appends.
  const d = /^(?:search|vpc)-([a-z][a-z0-9-]{2,27})-[a-z0-9]{26}$/.exec(host);
  return d ? { service, region, domainName: d[1]! } : undefined;
}

/** The endpoint without a trailing slash. */
export function openSearchNode(endpoint: string): string {
  return endpoint.replace(/\/$/, '');
}
