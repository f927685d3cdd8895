/**
 * Errors of `models pull` / `models verify`. They extend ServingError, so the CLI prints them as
 * one line, and serve's start-up can report them per model: they describe the network, the
 * mirror, the files or the manifest, not a bug.
 */
import { ServingError, type ErrorCode } from '../../engine/errors.js'

/** A pull or a verification failed; the message names the model and what to do next. */
export class PullError extends ServingError {
  override readonly name: string = 'PullError'
  constructor(message: string, options?: { cause?: unknown; code?: ErrorCode }) {
    super(options?.code ?? 'model_load_error', message, options)
  }
}

const OFFLINE_HINT = 'this machine may be offline — use --mirror DIR or PPSERVE_MIRROR to take files from a local folder'

/**
 * A download failed: no connection (DNS, refused, timeout: `offline`, with a hint to use a mirror),
 * an HTTP error status, or a body cut short.
 */
export class DownloadError extends PullError {
  override readonly name = 'DownloadError'
  constructor(
    readonly url: string,
    readonly reason: string,
    readonly offline: boolean,
    options?: { cause?: unknown },
  ) {
    super(`cannot download ${url}: ${reason}${offline ? `; ${OFFLINE_HINT}` : ''}`, options)
  }
}

/** A file's (or a mirror folder's tree) sha256 is not the one the manifest pins. */
export class ChecksumError extends PullError {
  override readonly name = 'ChecksumError'
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`sha256 mismatch for ${what}: expected ${expected}, got ${actual}; nothing was installed (a corrupt or tampered file, or the manifest pins another version)`)
  }
}

/** The pull was interrupted (SIGINT / SIGTERM, or the caller's AbortSignal); nothing was installed. */
export class PullCancelled extends PullError {
  override readonly name = 'PullCancelled'
  constructor(
    readonly model: string,
    readonly signal?: NodeJS.Signals,
  ) {
    super(`pull of ${model} cancelled${signal ? ` by ${signal}` : ''}; nothing was installed`, { code: 'cancelled' })
  }
}
