import type { StepName } from '../../domain/run.js';
import { awaitQuery } from './await-query.js';
import { publishOutput } from './publish-output.js';
import { record } from './record.js';
import { retrieve } from './retrieve.js';
import { startQuery } from './start-query.js';
import type { Step } from './step.js';
import { validate } from './validate.js';

/** The one step library every driver executes (local runner, Step Functions tasks). */
export const STEP_LIBRARY: Readonly<Record<StepName, Step>> = {
  retrieve,
  validate,
  startQuery,
  awaitQuery,
  publishOutput,
  record,
};

export type { Step, StepResult } from './step.js';
