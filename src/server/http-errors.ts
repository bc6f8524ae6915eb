import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AdpError, ValidationError, type FieldIssue } from '../domain/errors.js';

/** The JSON body of every error response. */
export interface ErrorBody {
  readonly error: {
    /** Stable: an AdpError code, or an HTTP reason such as `UNAUTHORIZED`. */
    readonly code: string;
    readonly message: string;
    /** For `VALIDATION_FAILED`: one entry per bad field, worded as the CLI words it. */
    readonly issues?: readonly FieldIssue[];
  };
}

/** AdpError codes to HTTP statuses: the one place the API decides them (the CLI's twin is exit-codes.ts). */
const STATUS_BY_CODE: Readonly<Record<string, ContentfulStatusCode>> = {
  VALIDATION_FAILED: 400,
  USAGE: 400,
  PATH_ESCAPE: 400,
  SANDBOX_VIOLATION: 400,
  NOT_FOUND: 404,
  INVALID_STATE: 409,
  CONFLICT: 409,
  OVERLAP_SKIPPED: 409,
};

const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** A request that conflicts with the current state (e.g. cancelling a finished run). */
export class ConflictError extends AdpError {
  readonly code = 'CONFLICT';
  override readonly isUserError = true;
}

/** Status and body for anything a handler threw. Internal errors keep their details out of the response. */
export function toErrorResponse(error: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  if (error instanceof ValidationError) {
    return { status: 400, body: { error: { code: error.code, message: `invalid ${error.subject}`, issues: error.issues } } };
  }
  if (error instanceof AdpError) {
    const status = STATUS_BY_CODE[error.code] ?? (error.isUserError ? 400 : 500);
    return { status, body: { error: { code: error.code, message: error.message } } };
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    const message = error.status === 413 ? 'request body too large' : error.message || (CODE_BY_STATUS[status] ?? 'error').toLowerCase();
    return { status, body: { error: { code: CODE_BY_STATUS[status] ?? `HTTP_${status}`, message } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'internal error (see the server log)' } } };
}

/** An error body for a plain status (401, 404 of an unknown route, …). */
export function errorBody(status: number, message: string): ErrorBody {
  return { error: { code: CODE_BY_STATUS[status] ?? `HTTP_${status}`, message } };
}
