import * as z from 'zod';
import { curationRouteSchema } from './routes.js';

const seconds = (min: number) => z.number().int('must be an integer').min(min).max(366 * 86_400).optional();

/**
 * The definition's alerting fields (all optional): its own routes and the
 * thresholds of the periodic events.
 */
export const curationAlertShape = {
  /** Routes for this curation only, added to the config's. */
  notifications: z.array(curationRouteSchema).optional(),
  /** `longRunning` fires when a run takes longer than this. */
  expectedDurationSeconds: seconds(1),
  /** `stale` fires when no run has succeeded for this long. */
  freshnessSeconds: seconds(60),
  /** `missedSchedule` fires when a tick has not started this long after its time (default 600). */
  startDeadlineSeconds: seconds(1),
};

export const DEFAULT_START_DEADLINE_SECONDS = 600;
