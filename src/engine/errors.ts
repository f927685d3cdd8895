/**
 * The typed errors every layer throws. Each carries a stable machine-readable `code`; the server
 * maps codes to HTTP statuses in one place (src/server/error-response.ts), so ops and the engine
 * never know about HTTP.
 */
export type ErrorCode =
  | 'invalid_input'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'invalid_option'
  | 'not_found'
  | 'unauthorized'
  | 'forbidden'
  | 'overloaded'
  | 'deadline_exceeded'
  | 'cancelled'
  | 'model_not_ready'
  | 'config_error'
  | 'model_load_error'
  | 'inference_error'
  | 'internal'

export class ServingError extends Error {
  override readonly name: string = 'ServingError'
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** The request's data is unusable: empty, undecodable, bad base64, wrong JSON shape. */
export class InvalidInput extends ServingError {
  override readonly name = 'InvalidInput'
  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_input', message, options)
  }
}

export class UnsupportedMediaType extends ServingError {
  override readonly name = 'UnsupportedMediaType'
  constructor(message: string) {
    super('unsupported_media_type', message)
  }
}

export class PayloadTooLarge extends ServingError {
  override readonly name = 'PayloadTooLarge'
  constructor(message: string) {
    super('payload_too_large', message)
  }
}

/** A request option has a value outside its allowed range or of the wrong type. */
export class InvalidOption extends ServingError {
  override readonly name = 'InvalidOption'
  constructor(message: string) {
    super('invalid_option', message)
  }
}

export class NotFound extends ServingError {
  override readonly name = 'NotFound'
  constructor(message: string) {
    super('not_found', message)
  }
}

/** A protected operation came without credentials. */
export class Unauthorized extends ServingError {
  override readonly name = 'Unauthorized'
  constructor(message: string) {
    super('unauthorized', message)
  }
}

/** The credentials, or the client's address, do not allow this operation. */
export class Forbidden extends ServingError {
  override readonly name = 'Forbidden'
  constructor(message: string) {
    super('forbidden', message)
  }
}

/** A queue is full: rejected at once instead of waiting without bound. */
export class Overloaded extends ServingError {
  override readonly name = 'Overloaded'
  constructor(
    message: string,
    readonly retryAfterS = 1,
  ) {
    super('overloaded', message)
  }
}

export class DeadlineExceeded extends ServingError {
  override readonly name = 'DeadlineExceeded'
  constructor(message: string) {
    super('deadline_exceeded', message)
  }
}

/** The work was abandoned: the client went away or the server is shutting down. */
export class Cancelled extends ServingError {
  override readonly name = 'Cancelled'
  constructor(message: string) {
    super('cancelled', message)
  }
}

export class ModelNotReady extends ServingError {
  override readonly name = 'ModelNotReady'
  constructor(message: string) {
    super('model_not_ready', message)
  }
}

/** Configuration or a manifest is invalid; raised at start-up, naming the file and key. */
export class ConfigError extends ServingError {
  override readonly name = 'ConfigError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('config_error', message, options)
  }
}

export class ModelLoadError extends ServingError {
  override readonly name = 'ModelLoadError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('model_load_error', message, options)
  }
}

export class InferenceError extends ServingError {
  override readonly name = 'InferenceError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('inference_error', message, options)
  }
}

export function isServingError(error: unknown): error is ServingError {
  return error instanceof ServingError
}
