import type { FieldIssue } from './types.js';

/** A failed API call, with the server's error code and field issues. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called whenever the API answers 401 (session expired, server restarted). */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/**
 * Calls `/api/v1` with the session cookie. The cookie is HttpOnly: this code
 * never sees a token. Errors become {@link ApiError}.
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: init.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  });
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string; issues?: FieldIssue[] } } | undefined;
  if (!res.ok) {
    if (res.status === 401) for (const l of unauthorizedListeners) l();
    const e = body?.error;
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? res.statusText, e?.issues ?? []);
  }
  return body as T;
}

/** Encodes one path segment. */
export const seg = (s: string) => encodeURIComponent(s);
