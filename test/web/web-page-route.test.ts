/**
 * The page's routes without a browser: the bundle's files with their types and the CSP, only
 * flat names of known types, and a clear answer (500 config_error naming `npm run build`) when the
 * bundle was never built. Plus the page's own parsing of Server-Timing and Prometheus text.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Hono } from 'hono'
import { errorResponse } from '../../src/server/error-response.js'
import { webPageRoutes } from '../../src/server/routes/web-page.js'
import type { Services } from '../../src/server/services.js'
import { parseServerTiming } from '../../src/web/server-timing.js'
import { histogramTotals, rateBetween, sumSamples } from '../../src/web/prometheus-text.js'

// GET / and GET /web/{file} never look at the services (only GET /web/config does).
const NO_SERVICES = {} as Services

function appFor(dir: string): Hono {
  const app = new Hono()
  app.route('/', webPageRoutes(NO_SERVICES, dir))
  app.onError((error, c) => errorResponse(error, c))
  return app
}

describe('GET / and GET /web/{file}', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-web-'))
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>t</title>')
    await writeFile(path.join(dir, 'main.js'), 'export {}')
    await writeFile(path.join(dir, 'main.ts'), 'export {}')
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('answers index.html with a CSP that allows this origin only', async () => {
    const response = await appFor(dir).request('/')
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8')
    assert.match(response.headers.get('content-security-policy') ?? '', /^default-src 'self'; img-src 'self' data: blob:;/)
    assert.equal(await response.text(), '<!doctype html><title>t</title>')
  })

  it('answers the bundle files by their type', async () => {
    const response = await appFor(dir).request('/web/main.js')
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8')
    assert.equal(await response.text(), 'export {}')
  })

  for (const name of ['main.ts', 'nothing.js', '..%2Findex.html', '.hidden.js', 'index.html%00.js']) {
    it(`answers 404 for /web/${name}`, async () => {
      const response = await appFor(dir).request(`/web/${name}`)
      assert.equal(response.status, 404)
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'not_found')
    })
  }

  it('says to run `npm run build` when the bundle is missing', async () => {
    const app = appFor(path.join(dir, 'missing'))
    for (const url of ['/', '/web/main.js']) {
      const response = await app.request(url)
      assert.equal(response.status, 500)
      const { error } = (await response.json()) as { error: { code: string; message: string } }
      assert.equal(error.code, 'config_error')
      assert.match(error.message, /the web page is not built .*run `npm run build`/)
    }
  })
})

describe("the page's parsing", () => {
  it('splits Server-Timing into named durations, skipping parts without one', () => {
    assert.deepEqual(parseServerTiming('det-in;dur=0.4, det-midp;dur=12.3,miss, total;desc="x";dur=40'), [
      { name: 'det-in', ms: 0.4 },
      { name: 'det-midp', ms: 12.3 },
      { name: 'total', ms: 40 },
    ])
    assert.deepEqual(parseServerTiming(null), [])
  })

  const scrape = (count: number, sum: number) =>
    [
      '# HELP ppserve_service_request_duration_seconds engine requests',
      `ppserve_service_request_duration_seconds_bucket{service="ocr",outcome="ok",le="+Inf"} ${count}`,
      `ppserve_service_request_duration_seconds_count{service="ocr",outcome="ok"} ${count - 1}`,
      `ppserve_service_request_duration_seconds_count{service="gallery",outcome="error"} 1`,
      `ppserve_service_request_duration_seconds_sum{service="ocr",outcome="ok"} ${sum}`,
      'ppserve_service_request_duration_seconds_count_total 999',
    ].join('\n')

  it('sums one metric over its label sets, and only that metric', () => {
    assert.equal(sumSamples(scrape(10, 2.5), 'ppserve_service_request_duration_seconds_count'), 10)
    assert.equal(sumSamples(scrape(10, 2.5), 'ppserve_service_request_duration_seconds_sum'), 2.5)
    assert.equal(sumSamples('', 'x'), 0)
  })

  it('gives requests per second and the mean latency between two scrapes', () => {
    const first = histogramTotals(scrape(10, 2), 'ppserve_service_request_duration_seconds', 1000)
    const second = histogramTotals(scrape(30, 6), 'ppserve_service_request_duration_seconds', 6000)
    assert.deepEqual(rateBetween(first, second), { perSecond: 4, meanMs: 200 })
    assert.deepEqual(rateBetween(second, second), { perSecond: 0, meanMs: null })
  })
})
