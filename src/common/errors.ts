/**
 * Errors a client can see that the model does not list: the common AWS errors of the JSON
 * protocol (validation, authentication, unknown operation) and the unmodelled DMS ones
 * (InvalidParameterValueException, ...). Modelled faults live in api/generated/errors.ts.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A value the model allows but the service's rules refuse (the DMS service's own name). */
export const invalidParameter = (message: string): ApiError =>
  new ApiError('InvalidParameterValueException', message);

/** Two members that cannot be given together, or one that needs another. */
export const invalidCombination = (message: string): ApiError =>
  new ApiError('InvalidParameterCombinationException', message);

/** The input breaks a constraint of the model (required member, type, enum, length ...). */
export const validationError = (message: string): ApiError => new ApiError('ValidationException', message);

/** An operation of the model that OpenDMS has not built yet: never a fake success. */
export const notImplemented = (operation: string, detail?: string): ApiError =>
  new ApiError(
    'NotImplementedException',
    `${operation} is not implemented in OpenDMS yet${detail ? `: ${detail}` : ''}. ` +
      'See the README for the operations that are available.',
    501,
  );

/**
 * An internal error with a stable code and the underlying cause. Connectors and the engine
 * throw these; the API edge maps the ones a user can act on to modelled faults.
 */
export class OpenDmsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The message of anything thrown, for logs and LastFailureMessage. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
