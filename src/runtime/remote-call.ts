/**
 * One HTTP exchange with a remote model server, with its failures sorted into the kinds the
 * remote session acts on: the connection failed (retry, mark unreachable), no answer in time,
 * the call was abandoned. Any HTTP status is an answer, returned as is.
 *
 * Node's global fetch (undici) keeps connections alive and reuses them per origin, so repeated
 * calls to one server pay no TCP handshake; at most as many sockets open as calls run at once.
 */

export type RemoteFailureKind = 'connection' | 'timeout' | 'aborted'

export class RemoteCallFailure extends Error {
  override readonly name = 'RemoteCallFailure'
  constructor(
    readonly kind: RemoteFailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export interface RemoteAnswer {
  readonly status: number
  readonly headers: Headers
  readonly body: Uint8Array
}

const CONNECTION_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
}

/** fetch() reports network failures as TypeError with the socket error as its cause. */
function connectionProblem(error: unknown): string | undefined {
  if (!(error instanceof TypeError)) return undefined
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause
  if (cause === undefined) return error.message === 'fetch failed' || error.message === 'terminated' ? error.message : undefined
  const code = typeof cause.code === 'string' ? cause.code : undefined
  return (code && CONNECTION_ERRORS[code]) ?? (typeof cause.message === 'string' ? cause.message : error.message)
}

/**
 * Sends one request and reads the whole answer (the body too, so `signal` bounds the transfer as
 * well). Throws RemoteCallFailure when there is no answer: kind 'timeout' when `signal` aborted
 * with a TimeoutError, 'aborted' for any other abort reason, 'connection' for a network failure.
 */
export async function callRemote(url: string, init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: Uint8Array | string }, signal: AbortSignal): Promise<RemoteAnswer> {
  try {
    const response = await fetch(url, { ...init, signal })
    const body = new Uint8Array(await response.arrayBuffer())
    return { status: response.status, headers: response.headers, body }
  } catch (error) {
    if (signal.aborted) {
      const reason = signal.reason as { name?: string } | undefined
      const kind = reason?.name === 'TimeoutError' ? 'timeout' : 'aborted'
      throw new RemoteCallFailure(kind, kind === 'timeout' ? 'no answer in time' : 'call abandoned', { cause: error })
    }
    const problem = connectionProblem(error)
    if (problem !== undefined) throw new RemoteCallFailure('connection', problem, { cause: error })
    throw error
  }
}

/** The message of a KServe error body (`{"error": "..."}`; also `{"error": {"message"}}`), else its text. */
export function remoteErrorMessage(body: Uint8Array): string {
  const text = new TextDecoder().decode(body.subarray(0, 4096)).trim()
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error
    if (typeof error === 'string') return error
    const message = (error as { message?: unknown } | undefined)?.message
    if (typeof message === 'string') return message
  } catch {
    // Not JSON: the text itself is the best message there is.
  }
  return text.slice(0, 300) || '(empty body)'
}
