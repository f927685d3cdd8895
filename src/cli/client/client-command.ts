/**
 * `ppserve client URL PATH... [--service S] [--protocol P]`: sends each image (files, or every
 * image in a folder) to a running server, one at a time, and prints per image its latency and
 * what the server read, then a summary — the analogue of Paddle's pipeline_http_client.py and
 * test_hubserving.py, for every protocol the server speaks.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { UsageError } from '../usage-error.js'
import { PROTOCOLS, SERVICES, type ClientService, type ProtocolName } from './wire.js'

export const CLIENT_USAGE = `usage: ppserve client URL PATH... [--service ocr|classify|recognize] [--protocol native|paddle|hub|paddlex]

  URL                  the server, e.g. http://127.0.0.1:8866
  PATH...              image files, or folders whose images (jpg, jpeg, png, bmp, webp, tif) are all sent
  --service S          ocr (default), classify or recognize
  --protocol P         native (default: POST /ocr, /classify, /recognize with the image bytes),
                       paddle (Paddle Serving pipeline: /ocr|imagenet|recognition/prediction),
                       hub (PaddleHub: /predict/ocr_system; OCR only),
                       paddlex (PaddleX serving: /ocr {file}, /image-classification, /shitu-infer)
  --timeout-ms N       give up on one image after N ms (default 60000)

Exit code 1 when any image failed.`

const IMAGE_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.bmp': 'image/bmp',
  '.webp': 'image/webp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
}

async function imageFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = []
  for (const p of paths) {
    if ((await stat(p)).isDirectory()) {
      const names = (await readdir(p)).filter((n) => IMAGE_TYPES[path.extname(n).toLowerCase()]).sort()
      files.push(...names.map((n) => path.join(p, n)))
    } else files.push(p)
  }
  return files
}

function choice<T extends string>(value: string | undefined, options: readonly T[], fallback: T, flag: string): T {
  if (value === undefined) return fallback
  if (!(options as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${options.join(', ')}, got "${value}"`)
  return value as T
}

const nearestRank = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0

export async function clientCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { service: { type: 'string' }, protocol: { type: 'string' }, 'timeout-ms': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  })
  const [url, ...paths] = positionals
  if (!url || paths.length === 0) throw new UsageError('say which server and which images: ppserve client URL PATH...')
  const protocolName = choice(values.protocol, Object.keys(PROTOCOLS) as ProtocolName[], 'native', '--protocol')
  const protocol = PROTOCOLS[protocolName]
  const service: ClientService = choice(values.service, SERVICES, 'ocr', '--service')
  if (!protocol.services.includes(service)) throw new UsageError(`the ${protocolName} protocol serves ${protocol.services.join(', ')} only`)
  const timeoutMs = Number(values['timeout-ms'] ?? 60_000)
  if (!(timeoutMs > 0)) throw new UsageError(`--timeout-ms wants a number > 0, got "${values['timeout-ms']}"`)
  const files = await imageFiles(paths)
  if (files.length === 0) throw new UsageError(`no images in ${paths.join(', ')}`)

  const latencies: number[] = []
  let failed = 0
  const started = performance.now()
  for (const file of files) {
    const request = protocol.request(service, new Uint8Array(await readFile(file)), IMAGE_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream')
    const sent = performance.now()
    try {
      const response = await fetch(new URL(request.path, url), { ...request.init, signal: AbortSignal.timeout(timeoutMs) })
      const text = await response.text()
      const ms = performance.now() - sent
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        throw new Error(`HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`)
      }
      const lines = protocol.summarize(service, body)
      latencies.push(ms)
      process.stdout.write(`${path.basename(file)}  ${ms.toFixed(1)} ms  ${lines.length} result(s)\n${lines.map((l) => `  ${l}\n`).join('')}`)
    } catch (error) {
      failed += 1
      process.stdout.write(`${path.basename(file)}  FAILED  ${(error as Error).message}\n`)
    }
  }
  const wallS = (performance.now() - started) / 1000
  const sorted = [...latencies].sort((a, b) => a - b)
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)
  process.stdout.write(
    `\n${files.length} image(s): ${files.length - failed} ok, ${failed} failed; latency mean ${mean.toFixed(1)} ms, ` +
      `p50 ${nearestRank(sorted, 0.5).toFixed(1)} ms, p90 ${nearestRank(sorted, 0.9).toFixed(1)} ms; ${(files.length / wallS).toFixed(2)} images/s\n`,
  )
  if (failed > 0) process.exitCode = 1
}
