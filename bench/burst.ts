/**
 * Burst benchmark (`npm run bench:burst -- [--requests 200] [--deadline-ms 2000] [--route /ocr]`):
 * the server (config/serving.yml, a separate process) gets `requests` concurrent POSTs of one OCR
 * demo image at once, each with `X-Deadline-Ms`; prints, per status, how many and how fast the
 * answers came: at the client (from its fetch() to the last byte) and at the server (its
 * `Server-Timing` total: from the request reaching the app to the answer; the time a connection
 * waits to be accepted and parsed is the client's alone). A route that does not exist gives the
 * floor: what the client and the transport alone take for the same burst.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { ASSETS_DIR } from './lib/bench-config.js'
import { startServer } from './lib/server-process.js'
import { percentile } from './lib/stats.js'

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '200' }, 'deadline-ms': { type: 'string', default: '2000' }, route: { type: 'string', default: '/ocr' } },
})
const image = await readFile(path.join(ASSETS_DIR, 'images/ocr/imgs/11.jpg'))
const server = await startServer({ label: 'burst' })
try {
  const send = async (route: string) => {
    const started = performance.now()
    try {
      const response = await fetch(server.url + route, {
        method: 'POST',
        headers: { 'content-type': 'image/jpeg', 'x-deadline-ms': values['deadline-ms']! },
        body: image,
      })
      await response.arrayBuffer()
      const serverMs = Number(/total;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '')?.[1] ?? NaN)
      return { status: String(response.status), ms: performance.now() - started, serverMs }
    } catch {
      return { status: 'failed', ms: performance.now() - started, serverMs: NaN }
    }
  }
  // The floor first: after the burst the admitted requests' model work still runs for a while.
  for (const route of ['/no-such-route', values.route!]) {
    const outcomes = await Promise.all(Array.from({ length: Number(values.requests) }, () => send(route)))
    const byStatus = new Map<string, typeof outcomes>()
    for (const o of outcomes) byStatus.set(o.status, [...(byStatus.get(o.status) ?? []), o])
    console.log(`${values.requests} concurrent POST ${route} (X-Deadline-Ms ${values['deadline-ms']}):`)
    for (const [status, answers] of byStatus) {
      const client = answers.map((a) => a.ms).sort((a, b) => a - b)
      const server = answers.map((a) => a.serverMs).filter(Number.isFinite).sort((a, b) => a - b)
      const atServer = server.length === 0 ? '' : `; at the server p50 ${percentile(server, 50).toFixed(1)} ms, max ${server.at(-1)!.toFixed(1)} ms`
      console.log(`  ${status}: ${client.length} answers, at the client p50 ${percentile(client, 50).toFixed(0)} ms, max ${client.at(-1)!.toFixed(0)} ms${atServer}`)
    }
  }
  const ready = await fetch(`${server.url}/readyz`)
  console.log(`server ready afterwards: ${ready.status === 200}`)
} finally {
  await server.stop()
}
