/**
 * Errors of the Paddle → ONNX converter. They extend the project's ServingError so the CLI prints
 * them as one line (no stack): they describe the model files or the options, not a bug.
 */
import { ServingError } from '../engine/errors.js'

/** The model files cannot be read or converted as asked (bad layout, missing parameter, bad option). */
export class ConversionError extends ServingError {
  override readonly name: string = 'ConversionError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('model_load_error', message, options)
  }
}

/**
 * The graph uses op types no mapper handles. Raised after scanning every op that the requested
 * outputs need, before anything is written, so one run lists them all.
 */
export class UnsupportedOpsError extends ConversionError {
  override readonly name = 'UnsupportedOpsError'
  constructor(readonly counts: ReadonlyMap<string, number>) {
    const list = [...counts].map(([type, count]) => `${type} ×${count}`).join(', ')
    super(
      `unsupported Paddle ops: ${list}. Nothing was written. ` +
        'If they are post-processing (NMS, decode loops), convert up to the tensors before them with --fetch VAR.',
    )
  }
}
