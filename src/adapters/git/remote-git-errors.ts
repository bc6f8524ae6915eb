import { type AdpError, EnvironmentError, TransientError } from '../../domain/errors.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED',
  'UND_ERR_SOCKET', 'ABORT_ERR',
]);

interface GitLibError {
  name?: string;
  code?: string;
  message?: string;
  data?: { statusCode?: number; statusMessage?: string };
}

/**
 * A failed clone or fetch as a typed error naming the remote by its URL
 * without credentials (and with any secret scrubbed from the cause):
 * no connection, timeouts, 429 and 5xx are transient; refused credentials,
 * a missing repository and a server that does not speak git are not.
 */
export function remoteGitError(error: unknown, url: string, secrets: readonly string[] = []): AdpError {
  const e = (error ?? {}) as GitLibError;
  const clean = (text: string) => secrets.filter(Boolean).reduce((t, s) => t.split(s).join('***'), text).replace(/\s+/g, ' ').slice(0, 300);
  const status = e.code === 'HttpError' ? e.data?.statusCode : undefined;
  if (status !== undefined) {
    if (status === 401 || status === 403) {
      return new EnvironmentError(`the scripts remote ${url} refused access (HTTP ${status}): check the token, or the username and password, configured for it`, { cause: error });
    }
    if (status === 404) {
      return new EnvironmentError(`no git repository at ${url} (HTTP 404): check the URL, and that the credentials may read the repository`, { cause: error });
    }
    if (status === 408 || status === 429 || status >= 500) {
      return new TransientError(`the scripts remote ${url} answered HTTP ${status} ${e.data?.statusMessage ?? ''}`.trim() + ': the read is retried', { cause: error });
    }
    return new EnvironmentError(`the scripts remote ${url} answered HTTP ${status}: check the URL`, { cause: error });
  }
  if ((e.code && NETWORK_CODES.has(e.code)) || e.name === 'AbortError' || e.name === 'TimeoutError') {
    return new TransientError(`cannot reach the scripts remote ${url} (${e.code ?? e.name}): check the URL and the network; the read is retried`, { cause: error });
  }
  if (e.code === 'SmartHttpError' || e.code === 'EmptyServerResponseError' || e.code === 'ParseError' || e.code === 'RemoteCapabilityError') {
    return new EnvironmentError(`${url} did not answer as a git smart HTTP server (${e.code}): check that the URL is the repository's clone URL`, { cause: error });
  }
  return new EnvironmentError(`fetching the scripts remote ${url} failed: ${clean(e.message ?? String(error))}`, { cause: error });
}
