/** Turns anything a handler throws into the AWS JSON 1.1 error body and status. */
import { ApiError } from '../../common/errors.js';
import { DmsFault } from '../generated/errors.js';

export interface ErrorResponse {
  readonly status: number;
  readonly type: string;
  readonly body: Record<string, string>;
  readonly internal: boolean;
}

export function errorResponse(err: unknown): ErrorResponse {
  if (err instanceof DmsFault) {
    return { status: err.httpStatus, type: err.code, body: { __type: err.code, message: err.message, ...err.extra }, internal: false };
  }
  if (err instanceof ApiError) {
    return { status: err.httpStatus, type: err.code, body: { __type: err.code, message: err.message }, internal: false };
  }
  return {
    status: 500,
    type: 'InternalFailure',
    body: { __type: 'InternalFailure', message: 'OpenDMS failed to process the request; the server log has the details under this request id.' },
    internal: true,
  };
}
