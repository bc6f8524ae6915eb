import { AdpError, type FieldIssue } from '../errors.js';

/**
 * A `{{ … }}` template or a run's parameters are wrong: an unknown variable,
 * parameter or filter, a filter applied to a value of the wrong type, a
 * missing required parameter, a value that is not of its declared type.
 * `issues` name the field (`sql`, `outputDetails.filename`, `parameters.region`)
 * and the name at fault.
 */
export class TemplateError extends AdpError {
  readonly code = 'TEMPLATE_INVALID';
  override readonly isUserError = true;
  constructor(readonly issues: readonly FieldIssue[]) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n'));
  }
}
