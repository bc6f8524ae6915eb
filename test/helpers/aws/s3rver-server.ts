import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { S3Client } from '@aws-sdk/client-s3';
import { testClientConfig } from './aws-test-env.js';

/** The subset of s3rver (a Koa app, shipped without types) that the helper uses. */
interface S3rverApp {
  readonly store: S3rverStore;
  readonly middleware: Middleware[];
  readonly httpServer?: { closeAllConnections(): void };
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverApp;

/** The subset of a Koa context the extensions read and write. */
interface Context {
  readonly method: string;
  readonly path: string;
  query: Record<string, string | string[] | undefined>;
  get(header: string): string;
  status: number;
  type: string;
  body: unknown;
}
type Next = () => Promise<unknown>;
type Middleware = (ctx: Context, next: Next) => Promise<unknown>;

const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

/** A running s3rver. */
export interface S3rverHandle {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** A client for it: path style, dummy credentials, checksums only where required (else s3rver stores aws-chunked framing). */
  readonly client: S3Client;
  /** Where s3rver keeps the buckets (removed by `stop`). */
  readonly directory: string;
  /** Conditional writes turned away with 412 so far (only with `conditionalWrites`). */
  readonly preconditionFailures: () => number;
  stop(): Promise<void>;
}

export interface S3rverOptions {
  /**
   * Emulate S3's conditional writes, which s3rver 3.7 ignores: `If-None-Match: *`
   * on PutObject, CopyObject and CompleteMultipartUpload answers 412 when the
   * key holds an object. Check and write run under a per-key lock, so the
   * emulation is atomic within this server.
   */
  readonly conditionalWrites?: boolean;
}

/**
 * Starts s3rver 3.7 in-process on 127.0.0.1 (a free port, a temporary
 * directory), with two repairs in front of its router:
 * - s3rver lacks UploadPartCopy: it is served from s3rver's own store (a
 *   ranged read of the source stored as the part), so multipart copies run
 *   over real HTTP;
 * - s3rver encrypts ListObjectsV2 continuation tokens with DES, which
 *   OpenSSL 3 (Node 18+) refuses (a 500 on every truncated page): pages are
 *   cut here instead, with the last key as the token.
 *
 * @example
 * const s3 = await startS3rver();
 * const store = new S3ObjectStore({ client: s3.client });
 * // …
 * await s3.stop();
 */
export async function startS3rver(options: S3rverOptions = {}): Promise<S3rverHandle> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'adp-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, vhostBuckets: false });
  const store = server.store;
  let failures = 0;
  const extensions: Middleware[] = [uploadPartCopy(store), listPages()];
  if (options.conditionalWrites) extensions.push(ifNoneMatch(store, () => (failures += 1)));
  // Koa composes its middleware when it starts listening, so these run before s3rver's router.
  server.middleware.unshift(...extensions);
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new S3Client({
    ...testClientConfig(endpoint),
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    client,
    directory,
    preconditionFailures: () => failures,
    async stop() {
      client.destroy();
      server.httpServer?.closeAllConnections();
      await server.close();
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}

/** The part of s3rver's FilesystemStore the extensions use. */
interface S3rverStore {
  existsObject(bucket: string, key: string): Promise<boolean>;
  getObject(bucket: string, key: string, range: { start: number; end: number }): Promise<{ content: NodeJS.ReadableStream | null } | null>;
  putPart(bucket: string, uploadId: string, partNumber: number, content: NodeJS.ReadableStream): Promise<{ md5: string }>;
}

/** `/bucket/key…` of a path-style request. */
function bucketAndKey(ctx: Context): { bucket: string; key: string } | undefined {
  const [, bucket, ...rest] = ctx.path.split('/');
  const key = rest.map(decodeURIComponent).join('/');
  if (!bucket || key === '') return undefined;
  return { bucket: decodeURIComponent(bucket), key };
}

function xmlError(ctx: Context, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

/** UploadPartCopy: `PUT /bucket/key?partNumber=N&uploadId=U` with `x-amz-copy-source` (and `x-amz-copy-source-range`). */
function uploadPartCopy(store: S3rverStore): Middleware {
  return async (ctx, next) => {
    const source = ctx.get('x-amz-copy-source');
    const target = bucketAndKey(ctx);
    if (ctx.method !== 'PUT' || !source || !target || !ctx.query.uploadId || !ctx.query.partNumber) return next();
    const [srcBucket, ...srcKey] = decodeURIComponent(source.replace(/^\//, '')).split('/');
    const range = /^bytes=(\d+)-(\d+)$/.exec(ctx.get('x-amz-copy-source-range'));
    const object = await store.getObject(srcBucket!, srcKey.join('/'), range ? { start: Number(range[1]), end: Number(range[2]) } : { start: 0, end: Infinity });
    if (!object?.content) return xmlError(ctx, 404, 'NoSuchKey', 'The specified key does not exist.');
    const { md5 } = await store.putPart(target.bucket, String(ctx.query.uploadId), Number(ctx.query.partNumber), object.content);
    ctx.type = 'application/xml';
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<CopyPartResult><LastModified>${new Date().toISOString()}</LastModified><ETag>"${md5}"</ETag></CopyPartResult>`;
  };
}

/**
 * ListObjectsV2 paging without s3rver's DES tokens: s3rver lists from the
 * token's key (as `start-after`) without a page limit, and the page is cut
 * to `max-keys` here. Listings with a delimiter pass through untouched.
 */
function listPages(): Middleware {
  return async (ctx, next) => {
    const isListV2 = ctx.method === 'GET' && ctx.query['list-type'] === '2' && !bucketAndKey(ctx) && !ctx.query.delimiter;
    if (!isListV2) return next();
    const maxKeys = Math.min(1000, Number(ctx.query['max-keys'] ?? 1000));
    const { 'max-keys': _max, 'continuation-token': token, ...query } = ctx.query;
    if (typeof token === 'string') query['start-after'] = Buffer.from(token, 'base64url').toString('utf8');
    ctx.query = query;
    await next();
    if (ctx.status !== 200 || typeof ctx.body !== 'string') return;
    const contents = [...ctx.body.matchAll(/<Contents>[\s\S]*?<\/Contents>/g)].map((m) => m[0]);
    const kept = contents.slice(0, maxKeys);
    const truncated = contents.length > maxKeys;
    const lastKey = truncated ? unescapeXml(/<Key>([\s\S]*?)<\/Key>/.exec(kept[kept.length - 1]!)![1]!) : undefined;
    const head = ctx.body.slice(0, ctx.body.indexOf('<Contents>') < 0 ? ctx.body.indexOf('</ListBucketResult>') : ctx.body.indexOf('<Contents>'));
    ctx.body =
      head
        .replace(/<IsTruncated>\w+<\/IsTruncated>/, `<IsTruncated>${truncated}</IsTruncated>`)
        .replace(/<KeyCount>\d+<\/KeyCount>/, `<KeyCount>${kept.length}</KeyCount>`)
        .replace(/<MaxKeys>\d+<\/MaxKeys>/, `<MaxKeys>${maxKeys}</MaxKeys>`) +
      (lastKey === undefined ? '' : `<NextContinuationToken>${Buffer.from(lastKey, 'utf8').toString('base64url')}</NextContinuationToken>`) +
      kept.join('') +
      '</ListBucketResult>';
  };
}

function unescapeXml(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** `If-None-Match: *` on writes, answered with 412 when the key holds an object; one write per key at a time. */
function ifNoneMatch(store: S3rverStore, onFailure: () => void): Middleware {
  const locks = new Map<string, Promise<unknown>>();
  return async (ctx, next) => {
    const target = bucketAndKey(ctx);
    const isWrite = (ctx.method === 'PUT' && !ctx.query.partNumber && !('tagging' in ctx.query)) || (ctx.method === 'POST' && ctx.query.uploadId);
    if (!target || !isWrite || ctx.get('if-none-match') !== '*') return next();
    const lockKey = `${target.bucket}/${target.key}`;
    const previous = locks.get(lockKey) ?? Promise.resolve();
    const mine = previous.then(async () => {
      if (await store.existsObject(target.bucket, target.key)) {
        onFailure();
        return xmlError(ctx, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
      }
      await next();
    });
    locks.set(lockKey, mine.catch(() => undefined));
    await mine;
  };
}
