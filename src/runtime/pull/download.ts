/**
 * Downloads one URL to a file, hashing (sha256) while it streams, with a progress bar. It fails
 * fast: DNS and connection errors at once, no response within the connect timeout, no data for
 * the idle timeout; an HTTP error names its status; a body shorter than Content-Length or a
 * connection reset mid-body is an error (never a silently truncated file).
 */
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { DownloadError } from './errors.js'
import { createProgressBar, formatBytes, type ProgressStream } from './progress-bar.js'

export interface DownloadOptions {
  readonly progress: ProgressStream
  /** Printed before the bar (the model and file name). */
  readonly label: string
  readonly signal?: AbortSignal
  /** No response headers within this long is a failure (default 15 s). */
  readonly connectTimeoutMs?: number
  /** No body data for this long is a failure (default 60 s). */
  readonly idleTimeoutMs?: number
}

export interface Downloaded {
  readonly sha256: string
  readonly bytes: number
  /** The URL the body came from, after redirects. */
  readonly finalUrl: string
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000
const DEFAULT_IDLE_TIMEOUT_MS = 60_000
const MAX_REDIRECTS = 5

/** Error codes that mean "no route to the host": worth the offline hint. */
const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'CONNECT_TIMEOUT'])

function describe(error: unknown): { reason: string; network: boolean } {
  const { code, message } = error as { code?: string; message?: string }
  const systemCode = code !== undefined && /^E[A-Z]+$/.test(code) && !message?.includes(code) ? `${code} ` : ''
  return { reason: `${systemCode}${message ?? String(error)}`, network: code !== undefined && NETWORK_CODES.has(code) }
}

function connectTimeout(ms: number): Error {
  return Object.assign(new Error(`no response within ${ms / 1000} s`), { code: 'CONNECT_TIMEOUT' })
}

/** Sends the GET and resolves with the response headers (the body is not read yet). */
function get(url: URL, options: DownloadOptions): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined
  if (!client) return Promise.reject(new DownloadError(url.href, `unsupported protocol ${url.protocol}`, false))
  const connectMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
  return new Promise((resolve, reject) => {
    // Identity encoding: the sha256 is of the file as published, not of a re-compressed body.
    const request = client.get(url, { headers: { 'user-agent': 'ppserve', 'accept-encoding': 'identity' }, ...(options.signal ? { signal: options.signal } : {}) })
    const timer = setTimeout(() => request.destroy(connectTimeout(connectMs)), connectMs)
    request.once('response', (response) => {
      clearTimeout(timer)
      const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
      request.setTimeout(idleMs, () => request.destroy(Object.assign(new Error(`no data for ${idleMs / 1000} s`), { code: 'ETIMEDOUT' })))
      resolve(response)
    })
    request.once('error', (error) => {
      clearTimeout(timer)
      if (options.signal?.aborted) return reject(options.signal.reason)
      const { reason, network } = describe(error)
      reject(new DownloadError(url.href, reason, network, { cause: error }))
    })
  })
}

/** Follows redirects; returns the first 2xx response, or fails naming the HTTP status. */
async function open(url: string, options: DownloadOptions): Promise<{ response: IncomingMessage; finalUrl: string }> {
  let current = new URL(url)
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await get(current, options)
    const status = response.statusCode ?? 0
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume()
      current = new URL(response.headers.location, current)
      continue
    }
    if (status < 200 || status >= 300) {
      response.resume()
      throw new DownloadError(current.href, `HTTP ${status} ${response.statusMessage ?? ''}`.trim(), false)
    }
    return { response, finalUrl: current.href }
  }
  throw new DownloadError(url, `more than ${MAX_REDIRECTS} redirects`, false)
}

export async function downloadFile(url: string, destination: string, options: DownloadOptions): Promise<Downloaded> {
  const { response, finalUrl } = await open(url, options)
  const header = response.headers['content-length']
  const total = header === undefined ? undefined : Number(header)
  const hash = createHash('sha256')
  let bytes = 0
  const bar = createProgressBar(options.progress, options.label, total)
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk)
      bytes += chunk.byteLength
      bar.update(bytes)
      callback(null, chunk)
    },
  })
  try {
    // An abort destroys the request (see get), which ends this pipeline with an error.
    await pipeline(response, meter, createWriteStream(destination))
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason
    const got = total === undefined ? formatBytes(bytes) : `${formatBytes(bytes)} of ${formatBytes(total)}`
    throw new DownloadError(finalUrl, `connection lost after ${got} (${describe(error).reason})`, false, { cause: error })
  } finally {
    bar.finish()
  }
  if (total !== undefined && bytes !== total) {
    throw new DownloadError(finalUrl, `the body ended after ${bytes} of ${total} bytes (Content-Length)`, false)
  }
  return { sha256: hash.digest('hex'), bytes, finalUrl }
}
