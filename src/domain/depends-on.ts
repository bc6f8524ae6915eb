import * as z from 'zod';
import { curationTypeSchema } from './names.js';

/** How long a scheduled run waits for its upstreams when `dependsOnWaitSeconds` is absent. */
export const DEFAULT_DEPENDS_ON_WAIT_SECONDS = 3600;
/** Longest wait a definition may ask for: a week. */
export const MAX_DEPENDS_ON_WAIT_SECONDS = 7 * 24 * 3600;

/**
 * The definition fields of dependencies, spread into the curation schema:
 * `dependsOn` names upstream curations whose run for the same scheduled time
 * must have succeeded before a scheduled run starts; `dependsOnWaitSeconds`
 * bounds the wait, after which the tick is recorded `skipped`.
 *
 * @example
 * { "dependsOn": ["orders-raw", "customers-raw"], "dependsOnWaitSeconds": 1800 }
 */
export const dependsOnShape = {
  dependsOn: z
    .array(curationTypeSchema)
    .min(1, 'must name at least one upstream curation (or leave dependsOn out)')
    .max(50, 'at most 50 upstream curations')
    .refine((list) => new Set(list).size === list.length, 'must not name an upstream curation twice')
    .optional(),
  dependsOnWaitSeconds: z.number().int('must be an integer').min(0).max(MAX_DEPENDS_ON_WAIT_SECONDS).optional(),
};

/** The fields {@link dependsOnShape} adds, as the scheduler reads them. */
export interface DependsOnFields {
  readonly curationType: string;
  readonly dependsOn?: readonly string[];
  readonly dependsOnWaitSeconds?: number;
}

/** How long a scheduled run of `def` waits for its upstreams, in ms. */
export function dependsOnWaitMs(def: DependsOnFields): number {
  return (def.dependsOnWaitSeconds ?? DEFAULT_DEPENDS_ON_WAIT_SECONDS) * 1000;
}
