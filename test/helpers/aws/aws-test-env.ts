import { NodeHttpHandler } from '@smithy/node-http-handler';

// Imported before any SDK client is built: silences the SDK's "needs Node 22" notice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Dummy credentials: every test server here accepts them; real AWS never sees them. */
export const TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const TEST_REGION = 'eu-west-1';

/** Client settings every test client uses: dummy credentials, a region, one attempt (tests assert on errors, not on SDK retries). */
export function testClientConfig(endpoint: string) {
  return { endpoint, region: TEST_REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 };
}

/**
 * A request handler that refuses any host but 127.0.0.1 before a byte is
 * sent: for tests of the SDK's own endpoint resolution (environment
 * variables), so a mistake can never reach real AWS.
 */
export function localOnlyRequestHandler(): NodeHttpHandler {
  const inner = new NodeHttpHandler();
  const guard = Object.create(inner) as NodeHttpHandler;
  return Object.assign(guard, {
    handle(request: { hostname: string }, options?: { abortSignal?: AbortSignal }) {
      if (request.hostname !== '127.0.0.1') {
        return Promise.reject(new Error(`test refused a request to ${request.hostname}: only 127.0.0.1 is allowed`));
      }
      return inner.handle(request as Parameters<NodeHttpHandler['handle']>[0], options);
    },
  });
}
