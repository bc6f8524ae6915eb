import { AdpError } from '../errors.js';

/**
 * A schedule expression (or its time zone) is not valid. The message names the
 * field and the reason, without a field-path prefix, so callers can prepend
 * where the expression came from (`cronExpression: day-of-week 8 out of range 1-7`).
 */
export class ScheduleSyntaxError extends AdpError {
  readonly code = 'INVALID_SCHEDULE';
  override readonly isUserError = true;
}
