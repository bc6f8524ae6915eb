import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { expectedSigV4Signature, parseSigV4Authorization, sha256 } from '../../../test/helpers/aws/sigv4.js';
import { bulkReply, CaptureServer, type CapturedRequest, type Reply } from '../../../test/helpers/http-capture.js';
import { DeliveryError } from '../../domain/notify/delivery-error.js';
import type { SinkDestination } from '../../domain/notify/destinations.js';
import type { SinkItem } from '../../ports/event-sink.js';
import { historyRecordFixture } from '../../ports/state-store.contract.js';
import { OpenSearchSink } from './opensearch-sink.js';

const KEY = 'AKIDSIGV4TEST';
const SECRET = 'dummy-secret-for-a-local-test';
const items: SinkItem[] = [{ id: 'ob-1', record: historyRecordFixture(), sequence: 3 }];

/** Answers like a domain that checks signatures: 403 unless the request verifies with SECRET. */
function verifyingDomain(req: CapturedRequest): Reply {
  const auth = parseSigV4Authorization(String(req.headers.authorization ?? ''));
  if (!auth || expectedSigV4Signature(req, SECRET) !== auth.signature) return { status: 403, body: { message: 'The request signature we calculated does not match' } };
  return req.path.startsWith('/_bulk') ? bulkReply(req) : { body: { acknowledged: true } };
}

/** Isolates the SDK's default credential chain: only what a test puts in the environment, never a profile file or an instance role. */
function credentialEnv(vars: Record<string, string | undefined>): void {
  const none = path.join(os.tmpdir(), 'adp-no-such-aws-config');
  const all = {
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_CONFIG_FILE: none,
    AWS_SHARED_CREDENTIALS_FILE: none,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...vars,
  };
  for (const [k, v] of Object.entries(all)) vi.stubEnv(k, v);
}

describe('OpenSearch sink with SigV4 (protocol-level _bulk endpoint on 127.0.0.1 that recomputes the signature)', () => {
  let server: CaptureServer;
  let sinks: OpenSearchSink[];
  beforeEach(async () => {
    server = await CaptureServer.start(verifyingDomain);
    sinks = [];
  });
  afterEach(async () => {
    for (const s of sinks) await s.close();
    await server.close();
    vi.unstubAllEnvs();
  });
  const sink = (auth: SinkDestination['auth']) => {
    const s = new OpenSearchSink({ type: 'opensearch', id: 'search', node: server.url, index: 'curationHistory', auth });
    sinks.push(s);
    return s;
  };

  it('signs every request for es with credentials from the environment, and the signature checks out at the protocol level', async () => {
    credentialEnv({ AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET });
    expect(await sink({ type: 'sigv4', region: 'eu-west-1' }).write(items)).toEqual([{ ok: true }]);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /_index_template/adp-curationhistory', 'POST /_bulk']);
    for (const req of server.requests) {
      const header = String(req.headers.authorization);
      expect(header).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDSIGV4TEST\/\d{8}\/eu-west-1\/es\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/);
      const auth = parseSigV4Authorization(header)!;
      expect(req.headers['x-amz-date']).toMatch(new RegExp(`^${auth.date}T\\d{6}Z$`));
      expect(auth.signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-content-sha256']));
      expect(req.headers['x-amz-content-sha256']).toBe(sha256(req.body));
      expect(expectedSigV4Signature(req, SECRET)).toBe(auth.signature);
      // The check can fail: another body, secret or date gives another signature.
      expect(expectedSigV4Signature({ ...req, body: `${req.body} ` }, SECRET)).not.toBe(auth.signature);
      expect(expectedSigV4Signature(req, `${SECRET}x`)).not.toBe(auth.signature);
      expect(expectedSigV4Signature({ ...req, headers: { ...req.headers, 'x-amz-date': '20000101T000000Z' } }, SECRET)).not.toBe(auth.signature);
    }
  });

  it('signs for aoss with a session token when told to', async () => {
    credentialEnv({ AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET, AWS_SESSION_TOKEN: 'session-token-1' });
    expect(await sink({ type: 'sigv4', region: 'us-east-1', service: 'aoss' }).write(items)).toEqual([{ ok: true }]);
    const bulk = server.requests.at(-1)!;
    const auth = parseSigV4Authorization(String(bulk.headers.authorization))!;
    expect(auth).toMatchObject({ accessKeyId: KEY, region: 'us-east-1', service: 'aoss' });
    expect(bulk.headers['x-amz-security-token']).toBe('session-token-1');
    expect(auth.signedHeaders).toContain('x-amz-security-token');
    expect(expectedSigV4Signature(bulk, SECRET)).toBe(auth.signature);
  });

  it('is refused by the verifying domain when signed with other credentials (the server check is real)', async () => {
    credentialEnv({ AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    const failed = await sink({ type: 'sigv4', region: 'eu-west-1' }).write(items).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(DeliveryError);
    expect(failed).toMatchObject({ retryable: false, message: expect.stringContaining('HTTP 403') });
  });

  it('says where credentials come from when the default chain finds none, without sending anything', async () => {
    credentialEnv({});
    const failed = await sink({ type: 'sigv4', region: 'eu-west-1' }).write(items).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(DeliveryError);
    expect(failed).toMatchObject({ retryable: false });
    expect((failed as Error).message).toContain('no AWS credentials for the OpenSearch sink (SigV4, es in eu-west-1)');
    expect((failed as Error).message).toContain('set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    expect(server.requests).toEqual([]);
  });

  it('takes an injected credentials provider instead of the default chain', async () => {
    credentialEnv({});
    const s = new OpenSearchSink(
      { type: 'opensearch', id: 'search', node: server.url, index: 'curationHistory', auth: { type: 'sigv4', region: 'eu-west-1' } },
      { credentials: async () => ({ accessKeyId: 'AKIDINJECTED', secretAccessKey: SECRET }) },
    );
    sinks.push(s);
    expect(await s.write(items)).toEqual([{ ok: true }]);
    expect(parseSigV4Authorization(String(server.requests.at(-1)!.headers.authorization))?.accessKeyId).toBe('AKIDINJECTED');
  });
});
