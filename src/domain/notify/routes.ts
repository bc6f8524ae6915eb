import * as z from 'zod';
import { curationTypeSchema } from '../names.js';
import { destinationId, destinationNameSchema, notifierTargetShapes, type NotifierDestinationSpec } from './destinations.js';
import { ALERT_EVENTS, type AlertEvent } from './events.js';

/** After how many failures in a row `failureStreak` fires, unless a route says otherwise. */
export const DEFAULT_AFTER_FAILURES = 3;

const routeFields = {
  name: destinationNameSchema.optional(),
  events: z
    .array(z.enum(ALERT_EVENTS))
    .min(1, `must name at least one of ${ALERT_EVENTS.join(', ')}`)
    .refine((e) => new Set(e).size === e.length, 'must not repeat an event'),
  /** Seconds; when set, an ongoing incident is alerted again this often (0: every occurrence). */
  repeatEvery: z.number().int().min(0).max(30 * 86_400).optional(),
  /** failureStreak fires once this many runs in a row have failed (default 3). */
  afterFailures: z.number().int().min(1).max(10_000).optional(),
};

function routeSchema<E extends z.core.$ZodLooseShape>(extra: E) {
  const s = notifierTargetShapes;
  return z.discriminatedUnion('type', [
    z.strictObject({ ...s.webhook, ...routeFields, ...extra }),
    z.strictObject({ ...s.slack, ...routeFields, ...extra }),
    z.strictObject({ ...s.email, ...routeFields, ...extra }),
    z.strictObject({ ...s.sns, ...routeFields, ...extra }),
    z.strictObject({ ...s.log, ...routeFields, ...extra }),
  ]);
}

/** A route in the definition's `notifications`: applies to that curation only. */
export const curationRouteSchema = routeSchema({});
/** A route in the config's `notifications`: every curation, or only those in `curations`. */
export const configRouteSchema = routeSchema({ curations: z.array(curationTypeSchema).min(1).optional() });
export type CurationRouteInput = z.infer<typeof curationRouteSchema>;
export type ConfigRouteInput = z.infer<typeof configRouteSchema>;

/** A route ready for planning: where, for which events, how often. */
export interface Route {
  readonly destination: NotifierDestinationSpec;
  readonly events: ReadonlySet<AlertEvent>;
  /** Absent: every curation. */
  readonly curations?: ReadonlySet<string>;
  readonly repeatEverySeconds?: number;
  readonly afterFailures: number;
}

/** Separates a route's destination from its subscription and gives the destination its id. */
export function resolveRoute(input: ConfigRouteInput | CurationRouteInput): Route {
  const { events, repeatEvery, afterFailures, name, ...rest } = input as ConfigRouteInput;
  const { curations, ...target } = rest as typeof rest & { curations?: string[] };
  const destination = { ...target, id: destinationId({ ...target, name }) } as NotifierDestinationSpec;
  return {
    destination,
    events: new Set(events),
    curations: curations ? new Set(curations) : undefined,
    repeatEverySeconds: repeatEvery,
    afterFailures: afterFailures ?? DEFAULT_AFTER_FAILURES,
  };
}

/** The routes that apply to one curation: the config's (filtered by `curations`) and its own. */
export function routesFor(curationType: string, configRoutes: readonly Route[], own: readonly CurationRouteInput[] = []): Route[] {
  return [...configRoutes.filter((r) => !r.curations || r.curations.has(curationType)), ...own.map(resolveRoute)];
}
