import type { OpenAPIHono } from '@hono/zod-openapi';
import { errorSchema } from '../schemas/records.js';
import type { ScheduleStore } from '../../ports/schedule-store.js';
import type { ApiPorts, RunLauncher } from '../options.js';

/** Per-request values the middleware sets. */
export interface ApiEnv {
  Variables: {
    /** How the request proved itself. */
    authVia: 'bearer' | 'cookie' | 'open';
  };
}

export type ApiApp = OpenAPIHono<ApiEnv>;

/** What route handlers work with. */
export interface ApiContext {
  readonly ports: ApiPorts;
  readonly launcher: RunLauncher;
  /** The in-process scheduler's next tick of a curation, if there is a scheduler. */
  readonly nextDue?: (curationType: string) => Date | undefined;
  readonly schedule?: Pick<ScheduleStore, 'scheduledRuns'>;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `issues` names each bad field',
  401: 'Missing or wrong token',
  404: 'Not found',
  409: 'Conflicts with the current state',
  413: 'Request body too large',
};

/** Error responses for a route's OpenAPI entry (401 is on every route). */
export function errorResponses(...statuses: (400 | 404 | 409 | 413)[]) {
  const out: Record<number, { description: string; content: { 'application/json': { schema: typeof errorSchema } } }> = {};
  for (const s of [401, ...statuses]) out[s] = { description: DESCRIPTIONS[s]!, content: { 'application/json': { schema: errorSchema } } };
  return out;
}

/** A JSON body for OpenAPI entries. */
export function json<S>(schema: S, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}
