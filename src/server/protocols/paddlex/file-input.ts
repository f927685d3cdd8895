/**
 * PaddleX's `file` / `image` fields: the file's base64, or a URL the server fetches. PaddleX
 * fetches any URL, which lets a client make the server reach internal services (SSRF); here a URL
 * is fetched only when its host is in protocols.paddlex.url_allowlist (every redirect too), with
 * the body capped at limits.max_body_bytes and a timeout.
 */
import { Cancelled, DeadlineExceeded, Forbidden, InvalidInput, PayloadTooLarge } from '../../../engine/errors.js'
import { decodeBase64 } from '../../base64.js'
import { clipText } from '../../../util/quote.js'

export interface UrlFetchSettings {
  /** Host names (or host:port) that may be fetched. */
  readonly allowlist: readonly string[]
  readonly maxBytes: number
  readonly timeoutMs: number
  /** The client's request: its going away aborts the fetch. */
  readonly signal?: AbortSignal | undefined
}

const HTTP_URL = /^https?:\/\//i
const MAX_REDIRECTS = 3

/** The bytes a `file` / `image` field stands for. */
export function readFileField(value: string, field: string, settings: UrlFetchSettings): Promise<Uint8Array> {
  const text = value.trim()
  if (!HTTP_URL.test(text)) return Promise.resolve(decodeBase64(value, `"${field}"`))
  return fetchAllowedUrl(text, field, settings)
}

/** A PDF's magic number (PaddleX fileType 0). */
export function looksLikePdf(bytes: Uint8Array): boolean {
  return bytes.length >= 5 && Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-'
}

function isAllowed(url: URL, allowlist: readonly string[]): boolean {
  const host = url.hostname.toLowerCase()
  const hostPort = url.host.toLowerCase()
  return allowlist.some((entry) => [host, hostPort].includes(entry.toLowerCase()))
}

/** The URL without credentials or query, for messages. */
const shown = (url: URL): string => clipText(`${url.protocol}//${url.host}${url.pathname}`)

function fetchFailure(error: unknown, url: URL, settings: UrlFetchSettings): Error {
  const name = (error as Error)?.name
  if (name === 'TimeoutError') return new DeadlineExceeded(`fetching ${shown(url)} took longer than protocols.paddlex.url_timeout_ms (${settings.timeoutMs} ms)`)
  if (name === 'AbortError') return new Cancelled('the client went away while its URL was being fetched')
  const cause = (error as { cause?: Error })?.cause?.message ?? (error as Error)?.message
  return new InvalidInput(`cannot fetch ${shown(url)}: ${cause}`, { cause: error })
}

async function readCapped(response: Response, url: URL, settings: UrlFetchSettings): Promise<Uint8Array> {
  const tooLarge = () => new PayloadTooLarge(`${shown(url)} is larger than limits.max_body_bytes (${settings.maxBytes} bytes)`)
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (declared > settings.maxBytes) {
    await response.body?.cancel()
    throw tooLarge()
  }
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = response.body!.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > settings.maxBytes) {
      await reader.cancel()
      throw tooLarge()
    }
    chunks.push(value)
  }
  if (size === 0) throw new InvalidInput(`${shown(url)} answered an empty body`)
  return new Uint8Array(Buffer.concat(chunks))
}

async function fetchAllowedUrl(text: string, field: string, settings: UrlFetchSettings): Promise<Uint8Array> {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new InvalidInput(`"${field}" looks like a URL but is not a valid one`)
  }
  const deadline = AbortSignal.timeout(settings.timeoutMs)
  const signal = settings.signal ? AbortSignal.any([deadline, settings.signal]) : deadline
  for (let redirects = 0; ; redirects++) {
    if (!isAllowed(url, settings.allowlist)) {
      const allowed = settings.allowlist.length > 0 ? `(${settings.allowlist.join(', ')})` : '(empty: every URL is refused)'
      throw new Forbidden(
        `"${field}" is a URL on ${url.host}, which is not in protocols.paddlex.url_allowlist ${allowed}; send the file's base64 instead, or add the host to the allowlist`,
      )
    }
    try {
      const response = await fetch(url, { redirect: 'manual', signal })
      const location = response.headers.get('location')
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel()
        if (redirects >= MAX_REDIRECTS) throw new InvalidInput(`${shown(url)} redirected more than ${MAX_REDIRECTS} times`)
        url = new URL(location, url)
        continue
      }
      if (!response.ok) {
        await response.body?.cancel()
        throw new InvalidInput(`fetching ${shown(url)} answered HTTP ${response.status}`)
      }
      return await readCapped(response, url, settings)
    } catch (error) {
      if (error instanceof InvalidInput || error instanceof PayloadTooLarge) throw error
      throw fetchFailure(error, url, settings)
    }
  }
}
