/**
 * Retrieval's typed errors, on the shared ServingError codes so the server maps them without
 * knowing about retrieval: faiss missing is "not ready" (503), an index that cannot be used is a
 * load error, a bad vector or an unknown id is the caller's input.
 */
import { ServingError } from '../engine/errors.js'

/** faiss-node is not built or does not load here; the message says why and what to run. */
export class RetrievalUnavailable extends ServingError {
  override readonly name = 'RetrievalUnavailable'
  constructor(message: string, options?: { cause?: unknown }) {
    super('model_not_ready', message, options)
  }
}

/** A gallery index folder or an imported file is inconsistent, corrupt or unsupported. */
export class IndexFileError extends ServingError {
  override readonly name = 'IndexFileError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('model_load_error', message, options)
  }
}

/** A pickle uses something the restricted reader does not allow (it never runs code). */
export class PickleRefused extends ServingError {
  override readonly name = 'PickleRefused'
  constructor(message: string) {
    super('model_load_error', message)
  }
}

/** Vectors of the wrong dimension or with non-finite values, a bad k, an unknown id to remove. */
export class InvalidVectors extends ServingError {
  override readonly name = 'InvalidVectors'
  constructor(message: string) {
    super('invalid_input', message)
  }
}
