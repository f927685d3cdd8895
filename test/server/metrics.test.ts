/**
 * `GET /metrics`: a known mix of requests, then the scrape read with a Prometheus text format
 * parser: request counters by status and outcome equal what was sent, op stage and batch size
 * histograms match the tracer, gauges and process metrics are there, scrapes are not counted.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Tracer } from '../../src/engine/tracer.js'
import type { OpStats } from '../../src/engine/op.js'
import { faissUnavailableReason } from '../../src/retrieval/faiss-loader.js'
import type { ModelState } from '../../src/runtime/model-registry.js'
import { defaultMemoryBudgetBytes } from '../../src/server/memory-admission.js'
import { BATCH_SIZE_BUCKETS, ServerMetrics } from '../../src/server/metrics.js'
import { RecognitionGallery } from '../../src/tasks/recognition/gallery.js'
import { GalleryService } from '../../src/tasks/recognition/gallery-service.js'
import { RecognizeConfigSchema } from '../../src/tasks/recognition/recognize-config.js'
import { smallJpeg } from '../helpers/bad-images.js'
import { fakeOcrSessions } from '../helpers/fake-ocr-sessions.js'
import { startTestServer, type TestServer } from '../helpers/http-server.js'
import { family, histogramOf, parseMetrics, scrapeMetrics, sumOf, totalsBy, type Family } from '../helpers/prometheus.js'

const GOOD = 5
const EMPTY = 2
const NOT_AN_IMAGE = 2
const OCR_OPS = ['det', 'cls', 'rec']

const postOcr = (url: string, body: Uint8Array, type = 'image/jpeg') => fetch(`${url}/ocr`, { method: 'POST', headers: { 'content-type': type }, body })

describe('GET /metrics after a known mix of requests', () => {
  let server: TestServer
  let families: Map<string, Family>
  let contentType: string | null

  before(async () => {
    server = await startTestServer({}, { sessionFactory: fakeOcrSessions({ ms: 5 }) })
    const image = await smallJpeg()
    const statuses: number[] = []
    // Good ones two at a time, so the queues see more than one request at once.
    for (let i = 0; i < GOOD; i += 2) {
      const batch = await Promise.all(Array.from({ length: Math.min(2, GOOD - i) }, () => postOcr(server.url, image)))
      statuses.push(...batch.map((r) => r.status))
    }
    assert.deepEqual(statuses, Array(GOOD).fill(200))
    for (let i = 0; i < EMPTY; i++) assert.equal((await postOcr(server.url, new Uint8Array())).status, 400)
    for (let i = 0; i < NOT_AN_IMAGE; i++) assert.equal((await postOcr(server.url, new TextEncoder().encode('not an image at all'))).status, 400)
    // Unknown routes: a path, a deeper path with another method, and a known path with the wrong method.
    assert.equal((await fetch(`${server.url}/no-such-route`)).status, 404)
    assert.equal((await fetch(`${server.url}/no/such/route`, { method: 'POST', body: 'x' })).status, 404)
    assert.equal((await fetch(`${server.url}/ocr`)).status, 404)
    // Paddle Serving answers a bad image with HTTP 200 and err_no 5000.
    const pipeline = await fetch(`${server.url}/ocr/prediction`, {
      method: 'POST',
      body: JSON.stringify({ key: ['image'], value: [Buffer.from('not an image either').toString('base64')] }),
    })
    assert.equal(pipeline.status, 200)
    assert.equal(((await pipeline.json()) as { err_no: number }).err_no, 5000)
    const scrape = await scrapeMetrics(server.url)
    contentType = scrape.response.headers.get('content-type')
    families = scrape.families
  })
  after(() => server?.close())

  it('is Prometheus text format', () => {
    assert.match(contentType ?? '', /^text\/plain; version=0\.0\.4/)
  })

  it('counts every request by status, and by outcome where Paddle answers an error with 200', () => {
    const requests = family(families, 'ppserve_http_requests_total', 'counter')
    assert.deepEqual(totalsBy(requests, 'status'), { '200': GOOD + 1, '400': EMPTY + NOT_AN_IMAGE, '404': 3 })
    const ocr = { service: 'ocr', route: '/ocr', method: 'POST', protocol: 'native' }
    assert.equal(sumOf(requests, { ...ocr, status: '200', outcome: 'ok' }), GOOD)
    assert.equal(sumOf(requests, { ...ocr, status: '400', outcome: 'invalid_input' }), EMPTY + NOT_AN_IMAGE)
    assert.equal(sumOf(requests, { service: 'none', route: 'unmatched', protocol: 'none', status: '404', outcome: 'not_found' }), 3)
    const pipeline = { service: 'ocr', route: '/:service/prediction', method: 'POST', protocol: 'paddle_serving', status: '200' }
    assert.equal(sumOf(requests, { ...pipeline, outcome: 'invalid_input' }), 1)
    assert.equal(sumOf(requests, { ...pipeline, outcome: 'ok' }), 0)
    assert.equal(sumOf(requests), GOOD + EMPTY + NOT_AN_IMAGE + 3 + 1, 'the scrape itself is not counted')
    const duration = family(families, 'ppserve_http_request_duration_seconds', 'histogram')
    assert.equal(histogramOf(duration, { service: 'ocr', protocol: 'native' }).count, GOOD + EMPTY + NOT_AN_IMAGE)
    assert.equal(histogramOf(duration, { service: 'ocr', protocol: 'paddle_serving' }).count, 1)
    assert.equal(sumOf(family(families, 'ppserve_http_requests_in_flight', 'gauge')), 0)
  })

  it('counts the engine requests by service and outcome, as the tracer does', () => {
    const service = family(families, 'ppserve_service_request_duration_seconds', 'histogram')
    assert.equal(histogramOf(service, { service: 'ocr', outcome: 'ok' }).count, GOOD)
    // Empty bodies are refused before the engine; undecodable images fail inside it.
    assert.equal(histogramOf(service, { service: 'ocr', outcome: 'error' }).count, NOT_AN_IMAGE + 1)
  })

  it('has each op stage of every good request', () => {
    const stages = family(families, 'ppserve_op_stage_duration_seconds', 'histogram')
    // The fake detector finds no text, so only det runs; each good request passes through it once.
    for (const stage of ['queue', 'preprocess', 'model', 'postprocess', 'return']) {
      const series = histogramOf(stages, { op: 'det', stage })
      assert.equal(series.count, GOOD, `det ${stage}`)
      assert.equal(series.buckets['+Inf'], GOOD)
      assert.ok(series.sum >= 0)
    }
    assert.ok(histogramOf(stages, { op: 'det', stage: 'model' }).sum >= (GOOD * 0.005) / 2, 'the fake model sleeps 5 ms per batch')
  })

  it('has the batch sizes the tracer recorded, per op', () => {
    const batches = family(families, 'ppserve_op_batch_size', 'histogram')
    const { tracer } = server.services.engine
    for (const op of OCR_OPS) {
      const recorded = Object.entries(tracer.batchSizes(op)).map(([size, count]) => [Number(size), count] as const)
      const series = histogramOf(batches, { op })
      assert.equal(series.count, recorded.reduce((total, [, count]) => total + count, 0), `${op} batches`)
      assert.equal(series.sum, recorded.reduce((total, [size, count]) => total + size * count, 0), `${op} items`)
      for (const le of BATCH_SIZE_BUCKETS) {
        const expected = recorded.filter(([size]) => size <= le).reduce((total, [, count]) => total + count, 0)
        assert.equal(series.buckets[String(le)], expected, `${op} batches of at most ${le}`)
      }
    }
    // det's batch size is 1 in the default config: one batch per good request.
    assert.deepEqual(tracer.batchSizes('det'), { 1: GOOD })
  })

  it('has the queue, in-flight and model state gauges', () => {
    const depth = family(families, 'ppserve_op_queue_depth', 'gauge')
    const inflight = family(families, 'ppserve_op_inflight', 'gauge')
    for (const op of OCR_OPS) {
      assert.deepEqual(depth.series.find((s) => s.labels.op === op), { labels: { op }, value: 0 })
      assert.deepEqual(inflight.series.find((s) => s.labels.op === op), { labels: { op }, value: 0 })
    }
    const states = family(families, 'ppserve_model_state', 'gauge')
    for (const model of ['ppocrv4_det', 'ppocr_mobile_v2_cls', 'ppocrv4_rec']) {
      assert.equal(sumOf(states, { model, state: 'ready' }), 1, model)
      assert.equal(sumOf(states, { model }), 1, `${model} is in one state`)
    }
    // Recognition is off in this server: the family is there, without series.
    assert.deepEqual(family(families, 'ppserve_gallery_size', 'gauge').series, [])
    // The CPU budget, idle after the requests: every thread free, no call running or waiting.
    const threads = family(families, 'ppserve_cpu_budget_threads', 'gauge')
    assert.equal(sumOf(threads, { kind: 'total' }), server.services.cpus)
    assert.equal(sumOf(threads, { kind: 'in_use' }), 0)
    const calls = family(families, 'ppserve_cpu_budget_calls', 'gauge')
    assert.deepEqual([sumOf(calls, { state: 'running' }), sumOf(calls, { state: 'waiting' })], [0, 0])
    // The memory budget: its limit from the machine's memory, nothing held after the requests.
    const memory = family(families, 'ppserve_memory_budget_bytes', 'gauge')
    assert.equal(sumOf(memory, { kind: 'limit' }), defaultMemoryBudgetBytes())
    assert.equal(sumOf(memory, { kind: 'reserved' }), 0)
    assert.equal(sumOf(family(families, 'ppserve_memory_budget_waiting', 'gauge')), 0)
    assert.equal(sumOf(family(families, 'ppserve_memory_budget_refused_total', 'counter')), 0)
  })

  it('has the process metrics: memory, CPU, event-loop delay', () => {
    for (const [name, type] of [
      ['ppserve_process_resident_memory_bytes', 'gauge'],
      ['ppserve_nodejs_heap_size_used_bytes', 'gauge'],
      ['ppserve_process_cpu_seconds_total', 'counter'],
      ['ppserve_nodejs_eventloop_lag_seconds', 'gauge'],
      ['ppserve_nodejs_eventloop_lag_p99_seconds', 'gauge'],
    ] as const) {
      const found = family(families, name, type)
      // The delay percentiles are NaN when the monitor has had no sample since the last scrape.
      assert.ok(found.series.length === 1 && (found.series[0]!.value >= 0 || Number.isNaN(found.series[0]!.value)), name)
    }
    assert.ok(sumOf(family(families, 'ppserve_process_resident_memory_bytes', 'gauge')) > 10 * 1024 * 1024)
  })

  it('does not count scrapes: a second scrape has the same request totals', async () => {
    const again = (await scrapeMetrics(server.url)).families
    const requests = family(again, 'ppserve_http_requests_total', 'counter')
    assert.deepEqual(totalsBy(requests, 'status'), { '200': GOOD + 1, '400': EMPTY + NOT_AN_IMAGE, '404': 3 })
  })
})

describe('request labels of each protocol', () => {
  let server: TestServer
  after(() => server?.close())

  it('labels each request with the route pattern, protocol and service that answered it', async () => {
    server = await startTestServer({ limits: { max_body_bytes: 1024 } }, { sessionFactory: fakeOcrSessions({ ms: 1 }) })
    const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const sent: Array<[string, RequestInit | undefined, number]> = [
      ['/healthz', undefined, 200],
      ['/readyz', undefined, 200],
      ['/health', undefined, 200], // PaddleX's health check
      ['/v2/health/live', undefined, 200],
      ['/v2/models/no_such_model', undefined, 404],
      ['/v2/nothing/here', undefined, 404],
      ['/predict/ocr_system', json({ images: ['bm90IGFuIGltYWdl'] }), 200], // PaddleHub: status "101"
      ['/predict/no_such_module', json({ images: [] }), 200], // PaddleHub: status "111"
      ['/ocr', json({ file: 'bm90IGFuIGltYWdl' }), 400], // PaddleX: undecodable image
      ['/ocr', json({ image: 'bm90IGFuIGltYWdl' }), 400], // native JSON form, passed on by PaddleX's handler
      ['/no_such_service/prediction', json({ key: [], value: [] }), 200], // Paddle Serving: err_no 3002
      ['/ocr', { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: new Uint8Array(4096) }, 413],
    ]
    for (const [path, init, status] of sent) assert.equal((await fetch(server.url + path, init)).status, status, path)

    const requests = family((await scrapeMetrics(server.url)).families, 'ppserve_http_requests_total', 'counter')
    const expect = (labels: Record<string, string>, count = 1) => assert.equal(sumOf(requests, labels), count, JSON.stringify(labels))
    expect({ service: 'health', route: '/healthz', protocol: 'health', status: '200', outcome: 'ok' })
    expect({ service: 'health', route: '/readyz', protocol: 'health', status: '200', outcome: 'ok' })
    expect({ service: 'health', route: '/health', protocol: 'paddlex', status: '200', outcome: 'ok' })
    expect({ service: 'kserve', route: '/v2/health/live', method: 'GET', protocol: 'kserve', status: '200', outcome: 'ok' })
    expect({ service: 'kserve', route: '/v2/models/:model', protocol: 'kserve', status: '404', outcome: 'not_found' })
    expect({ service: 'kserve', route: '/v2/*', protocol: 'kserve', status: '404', outcome: 'not_found' })
    expect({ service: 'ocr', route: '/predict/:module', protocol: 'paddlehub', status: '200', outcome: 'invalid_input' })
    expect({ service: 'ocr', route: '/predict/:module', protocol: 'paddlehub', status: '200', outcome: 'not_found' })
    expect({ service: 'ocr', route: '/ocr', protocol: 'paddlex', status: '400', outcome: 'invalid_input' })
    expect({ service: 'ocr', route: '/ocr', protocol: 'native', status: '400', outcome: 'invalid_input' })
    expect({ service: 'none', route: '/:service/prediction', protocol: 'paddle_serving', status: '200', outcome: 'not_found' })
    // Refused by the body limit before any handler ran: counted under the native route of the path.
    expect({ service: 'ocr', route: '/ocr', protocol: 'native', status: '413', outcome: 'payload_too_large' })
    assert.equal(sumOf(requests), sent.length)
  })
})

describe('GET /metrics off', () => {
  it('metrics.enabled: false → /metrics is an unknown route', async () => {
    const server = await startTestServer({ metrics: { enabled: false } }, { sessionFactory: fakeOcrSessions({ ms: 1 }) })
    try {
      assert.equal(server.services.metrics, undefined)
      const response = await fetch(`${server.url}/metrics`)
      assert.equal(response.status, 404)
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'not_found')
    } finally {
      await server.close()
    }
  })
})

describe('ServerMetrics', () => {
  function sources(over: { ops?: Map<string, OpStats>; models?: ModelState[]; galleries?: () => ReadonlyMap<string, number> } = {}) {
    const tracer = new Tracer()
    return {
      tracer,
      opStats: () => over.ops ?? new Map(),
      modelStates: () => over.models ?? [],
      gallerySizes: over.galleries ?? (() => new Map()),
    }
  }

  it('reads the gauges at scrape time', async () => {
    const ops = new Map<string, OpStats>([['det', { queued: 3, inflight: 1 }]])
    const models: ModelState[] = [
      { name: 'a', state: 'ready' },
      { name: 'b', state: 'missing', message: 'no weights' },
    ]
    const metrics = new ServerMetrics(sources({ ops, models }))
    let families = await parseMetrics(await metrics.scrape())
    assert.equal(sumOf(family(families, 'ppserve_op_queue_depth', 'gauge'), { op: 'det' }), 3)
    assert.equal(sumOf(family(families, 'ppserve_op_inflight', 'gauge'), { op: 'det' }), 1)
    // A registered op has its batch size series before its first batch.
    assert.equal(histogramOf(family(families, 'ppserve_op_batch_size', 'histogram'), { op: 'det' }).count, 0)
    const states = family(families, 'ppserve_model_state', 'gauge')
    assert.equal(sumOf(states, { model: 'b', state: 'missing' }), 1)
    assert.equal(sumOf(states, { model: 'b', state: 'ready' }), 0)
    assert.equal(states.series.filter((s) => s.labels.model === 'a').length, 6, 'one series per state')

    ops.set('det', { queued: 0, inflight: 0 })
    models[1] = { name: 'b', state: 'ready' }
    families = await parseMetrics(await metrics.scrape())
    assert.equal(sumOf(family(families, 'ppserve_op_queue_depth', 'gauge'), { op: 'det' }), 0)
    assert.equal(sumOf(family(families, 'ppserve_model_state', 'gauge'), { model: 'b', state: 'ready' }), 1)
    metrics.close()
  })

  it('follows the tracer until closed, and keeps each server apart', async () => {
    const first = sources()
    const metrics = new ServerMetrics(first)
    const other = new ServerMetrics(sources())
    first.tracer.recordOp('rec', 'midp', 250)
    first.tracer.recordBatch('rec', 6)
    first.tracer.recordRequest('ocr', true, 1200)
    let families = await parseMetrics(await metrics.scrape())
    const model = histogramOf(family(families, 'ppserve_op_stage_duration_seconds', 'histogram'), { op: 'rec', stage: 'model' })
    assert.deepEqual([model.count, model.sum, model.buckets['0.1'], model.buckets['0.25']], [1, 0.25, 0, 1])
    const batches = histogramOf(family(families, 'ppserve_op_batch_size', 'histogram'), { op: 'rec' })
    assert.deepEqual([batches.count, batches.buckets['4'], batches.buckets['8']], [1, 0, 1])
    assert.equal(histogramOf(family(families, 'ppserve_service_request_duration_seconds', 'histogram'), { service: 'ocr', outcome: 'ok' }).sum, 1.2)
    assert.deepEqual(family(await parseMetrics(await other.scrape()), 'ppserve_op_batch_size', 'histogram').histograms, [])

    metrics.close()
    first.tracer.recordBatch('rec', 6)
    families = await parseMetrics(await metrics.scrape())
    assert.equal(histogramOf(family(families, 'ppserve_op_batch_size', 'histogram'), { op: 'rec' }).count, 1)
    // The tracer's own summary is unaffected.
    assert.equal(first.tracer.snapshot().ops.rec?.midp, 250)
    other.close()
  })

  it('has the size of each gallery opened so far', { skip: faissUnavailableReason() || false }, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-metrics-gallery-'))
    try {
      const vectors = Array.from({ length: 4 }, (_, i) => Float32Array.from({ length: 8 }, (_, j) => (i === j ? 1 : 0.1)))
      const items = vectors.map((_, i) => ({ path: `img${i}.jpg`, label: `label${i % 2}` }))
      await RecognitionGallery.create(path.join(dir, 'shelf'), vectors, items, { model: 'm', metric: 'IP', method: 'Flat', whiten: false, segments: [8] })
      const config = RecognizeConfigSchema.parse({ indexes_dir: dir })
      const galleries = new GalleryService(config, undefined, () => {
        throw new Error('no embedder in this test')
      })
      const metrics = new ServerMetrics(sources({ galleries: () => galleries.openedSizes() }))
      const sizes = async () => family(await parseMetrics(await metrics.scrape()), 'ppserve_gallery_size', 'gauge').series
      assert.deepEqual(await sizes(), [], 'not opened yet')
      await galleries.open('shelf')
      assert.deepEqual(await sizes(), [{ labels: { index: 'shelf' }, value: 4 }])
      await galleries.removeItems('shelf', [0, 1])
      assert.deepEqual(await sizes(), [{ labels: { index: 'shelf' }, value: 2 }])
      metrics.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
