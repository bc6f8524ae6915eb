import { CaptureServer, type CapturedRequest, type Reply } from './http-capture.js';

/**
 * The RunEvent rules of the OpenLineage spec (2-0-x schema, the 1.x
 * clients'), checked field by field: required `eventType` (one of the
 * spec's), `eventTime` (ISO 8601 with a zone), `run.runId` (a UUID),
 * `job.namespace` and `job.name`, `producer` and `schemaURL` as URIs;
 * datasets with `namespace` and `name`; every facet with `_producer` and
 * `_schemaURL` as URIs; the SQL, NominalTime and ErrorMessage facet shapes.
 * Returns each broken rule, none for a valid event.
 */
export function runEventProblems(event: unknown): string[] {
  const problems: string[] = [];
  const e = asObject(event);
  if (!e) return ['the body is not a JSON object'];
  const want = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  want(['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'].includes(e.eventType as string), `eventType: ${JSON.stringify(e.eventType)} is not START, RUNNING, COMPLETE, ABORT, FAIL or OTHER`);
  want(isDateTime(e.eventTime), `eventTime: ${JSON.stringify(e.eventTime)} is not an ISO 8601 date-time`);
  want(isUri(e.producer), `producer: ${JSON.stringify(e.producer)} is not a URI`);
  want(isUri(e.schemaURL), `schemaURL: ${JSON.stringify(e.schemaURL)} is not a URI`);
  const run = asObject(e.run);
  want(!!run && isUuid(run.runId), `run.runId: ${JSON.stringify(run?.runId)} is not a UUID`);
  const job = asObject(e.job);
  want(!!job && nonEmpty(job.namespace), 'job.namespace: missing or empty');
  want(!!job && nonEmpty(job.name), 'job.name: missing or empty');
  checkFacets(problems, 'run.facets', run?.facets);
  checkFacets(problems, 'job.facets', job?.facets);
  for (const side of ['inputs', 'outputs'] as const) {
    const list = e[side];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push(`${side}: not an array`);
      continue;
    }
    list.forEach((d, i) => {
      const dataset = asObject(d);
      want(!!dataset && nonEmpty(dataset.namespace) && nonEmpty(dataset.name), `${side}[${i}]: needs a namespace and a name`);
      checkFacets(problems, `${side}[${i}].facets`, dataset?.facets);
      checkFacets(problems, `${side}[${i}].${side === 'inputs' ? 'inputFacets' : 'outputFacets'}`, dataset?.[side === 'inputs' ? 'inputFacets' : 'outputFacets']);
    });
  }
  const jobFacets = asObject(job?.facets);
  const sql = asObject(jobFacets?.sql);
  if (jobFacets?.sql !== undefined) want(!!sql && typeof sql.query === 'string', 'job.facets.sql: query must be a string');
  const runFacets = asObject(run?.facets);
  const nominal = asObject(runFacets?.nominalTime);
  if (runFacets?.nominalTime !== undefined) {
    want(!!nominal && isDateTime(nominal.nominalStartTime), 'run.facets.nominalTime: nominalStartTime must be a date-time');
    want(nominal?.nominalEndTime === undefined || isDateTime(nominal.nominalEndTime), 'run.facets.nominalTime: nominalEndTime must be a date-time');
  }
  const error = asObject(runFacets?.errorMessage);
  if (runFacets?.errorMessage !== undefined) {
    want(!!error && typeof error.message === 'string' && typeof error.programmingLanguage === 'string', 'run.facets.errorMessage: message and programmingLanguage must be strings');
    want(error?.stackTrace === undefined || typeof error.stackTrace === 'string', 'run.facets.errorMessage: stackTrace must be a string');
  }
  return problems;
}

function checkFacets(problems: string[], at: string, facets: unknown): void {
  if (facets === undefined) return;
  const map = asObject(facets);
  if (!map) {
    problems.push(`${at}: not an object`);
    return;
  }
  for (const [name, value] of Object.entries(map)) {
    const facet = asObject(value);
    if (!facet) problems.push(`${at}.${name}: not an object`);
    else {
      if (!isUri(facet._producer)) problems.push(`${at}.${name}._producer: ${JSON.stringify(facet._producer)} is not a URI`);
      if (!isUri(facet._schemaURL)) problems.push(`${at}.${name}._schemaURL: ${JSON.stringify(facet._schemaURL)} is not a URI`);
    }
  }
}

const asObject = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
const isUuid = (v: unknown): boolean => typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);
// RFC 3339 date-time: a date, a time and a zone (Z or ±hh:mm).
const isDateTime = (v: unknown): boolean =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v));
// RFC 3986: a scheme, then no whitespace; the WHATWG parser agrees it is absolute.
const isUri = (v: unknown): boolean => {
  if (typeof v !== 'string' || !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(v)) return false;
  try {
    new URL(v);
    return true;
  } catch {
    return false;
  }
};

/** One event the server accepted: the request and the parsed event. */
export interface ReceivedEvent {
  readonly request: CapturedRequest;
  readonly event: Record<string, unknown> & { eventType: string; eventTime: string; run: { runId: string; facets?: Record<string, Record<string, unknown>> }; job: { namespace: string; name: string; facets?: Record<string, Record<string, unknown>> }; inputs: { namespace: string; name: string }[]; outputs: { namespace: string; name: string; outputFacets?: Record<string, Record<string, unknown>> }[] };
}

/**
 * A protocol-level OpenLineage receiver on 127.0.0.1 (the HTTP transport's
 * `POST /api/v1/lineage`, as Marquez serves it): answers 201 to a valid
 * RunEvent and 400 naming each broken rule otherwise; `failNext(n, status)`
 * answers the next `n` events with `status`; `down()`/`up()` close and
 * reopen the port.
 */
export class OpenLineageServer {
  readonly events: ReceivedEvent[] = [];
  readonly rejected: { request: CapturedRequest; problems: string[] }[] = [];
  #failures: number[] = [];

  private constructor(readonly http: CaptureServer) {}

  static async start(path = '/api/v1/lineage'): Promise<OpenLineageServer> {
    const http = await CaptureServer.start();
    const server = new OpenLineageServer(http);
    http.handler = (req) => server.#answer(req, path);
    return server;
  }

  get url(): string {
    return this.http.url;
  }

  failNext(count: number, status: number): void {
    this.#failures.push(...Array.from({ length: count }, () => status));
  }

  #answer(req: CapturedRequest, path: string): Reply {
    if (req.method !== 'POST' || req.path !== path) return { status: 404, body: { error: `no route ${req.method} ${req.path}` } };
    if (!String(req.headers['content-type']).startsWith('application/json')) return { status: 415, body: { error: 'expected application/json' } };
    const failure = this.#failures.shift();
    if (failure) return { status: failure, body: { error: 'unavailable' } };
    let event: unknown;
    try {
      event = JSON.parse(req.body);
    } catch {
      event = undefined;
    }
    const problems = runEventProblems(event);
    if (problems.length) {
      this.rejected.push({ request: req, problems });
      return { status: 400, body: { errors: problems } };
    }
    this.events.push({ request: req, event: event as ReceivedEvent['event'] });
    return { status: 201, body: '' };
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
