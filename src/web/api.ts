/**
 * Talking to the server: JSON requests timed in the browser, the native error envelope turned into
 * an Error with the server's message, and the Server-Timing header split into its parts. URLs are
 * relative to the page, so it works behind a proxy that serves it under a path.
 */
import { parseServerTiming, type TimingPart } from './server-timing.js'

/** GET web/config (src/server/routes/web-page.ts). */
export interface PageConfig {
  readonly services: ReadonlyArray<{ name: string; title: string }>
  readonly classify?: { default_model: string; models: string[] }
  readonly recognize?: { default_index: string; indexes: string[]; token_required: boolean }
  readonly metrics: boolean
  readonly docs: boolean
}

export interface Answer<T> {
  readonly body: T
  /** Request sent → answer read, in the browser. */
  readonly clientMs: number
  /** The Server-Timing parts, `total` last when the server sent it. */
  readonly timing: TimingPart[]
}

/** An error answer: the server's code and message (`{"error": {"code", "message"}}`). */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text()
  try {
    const { error } = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }
    if (typeof error?.message === 'string') return new ApiError(response.status, String(error.code ?? 'error'), error.message)
  } catch {
    // Not the JSON envelope (a proxy's error page): the status and the start of the text say enough.
  }
  return new ApiError(response.status, 'http_error', `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`)
}

/** Sends a request and reads its JSON answer; an error status throws ApiError with the server's message. */
export async function requestJson<T>(url: string, init: RequestInit = {}): Promise<Answer<T>> {
  const started = performance.now()
  const response = await fetch(url, { ...init, headers: { Accept: 'application/json', ...init.headers } })
  if (!response.ok) throw await errorOf(response)
  const body = (await response.json()) as T
  return { body, clientMs: performance.now() - started, timing: parseServerTiming(response.headers.get('Server-Timing')) }
}

/** GET of a JSON document whose error statuses still carry the document (/readyz: 503 when not ready). */
export async function getJsonAnyStatus<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' })
  return { status: response.status, body: (await response.json()) as T }
}

/** GET of a text document (/metrics). */
export async function getText(url: string): Promise<string> {
  const response = await fetch(url, { cache: 'no-store' })
  if (!response.ok) throw await errorOf(response)
  return response.text()
}

/** What a failed request says to the person using the page. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.status} ${error.code}: ${error.message}`
  if (error instanceof Error) return `request failed: ${error.message}`
  return `request failed: ${String(error)}`
}
