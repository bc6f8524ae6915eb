import { createHash, createHmac } from 'node:crypto';
import type http from 'node:http';

/** The parts of a SigV4 `Authorization` header. */
export interface SigV4Authorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** A request as a server received it. */
export interface ReceivedRequest {
  readonly method: string;
  /** Path and query string, as on the request line. */
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** Parses `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders=…, Signature=<64 hex>`; undefined if it is not that shape. */
export function parseSigV4Authorization(header: string | undefined): SigV4Authorization | undefined {
  const m = AUTHORIZATION.exec(header ?? '');
  if (!m) return undefined;
  return { accessKeyId: m[1]!, date: m[2]!, region: m[3]!, service: m[4]!, signedHeaders: m[5]!.split(';'), signature: m[6]! };
}

/**
 * The signature AWS would compute for `req` with `secretAccessKey`, following
 * the public Signature Version 4 algorithm: canonical request (method,
 * URI-encoded path, sorted query, signed headers, SHA-256 of the body as
 * received), string to sign, and the HMAC key derived from date, region and
 * service. Compare it with the request's own `Signature=`.
 */
export function expectedSigV4Signature(req: ReceivedRequest, secretAccessKey: string): string {
  const auth = parseSigV4Authorization(String(req.headers.authorization ?? ''));
  if (!auth) throw new Error('the request carries no SigV4 Authorization header');
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const url = new URL(req.path, 'http://signed.invalid');
  const canonicalPath = url.pathname.split('/').map((seg) => rfc3986(decodeURIComponent(seg))).join('/') || '/';
  const canonicalQuery = [...url.searchParams.entries()]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = auth.signedHeaders.map((name) => `${name}:${headerValue(req.headers[name])}\n`).join('');
  const canonicalRequest = [req.method, canonicalPath, canonicalQuery, canonicalHeaders, auth.signedHeaders.join(';'), sha256(req.body)].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${secretAccessKey}`, auth.date);
  for (const part of [auth.region, auth.service, 'aws4_request']) key = hmac(key, part);
  return hmac(key, stringToSign).toString('hex');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function headerValue(value: string | string[] | undefined): string {
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return joined.trim().replace(/\s+/g, ' ');
}

function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
