/**
 * GET /docs in a real browser (Debian's chromium): Swagger UI renders every operation of the
 * document of a server with every task and protocol on, under the page's Content-Security-Policy, requests nothing outside this server, and
 * "Try it out" calls this server.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { needsChromium } from '../helpers/chromium.js'
import type { TestServer } from '../helpers/http-server.js'
import { startOpenApiServer, type OpenApiEnv } from '../helpers/openapi-env.js'
import { launchChromium } from '../web/browser.js'

describe('GET /docs in chromium', { skip: needsChromium(), timeout: 120_000 }, () => {
  let env: OpenApiEnv
  let server: TestServer
  let browser: Browser
  let page: Page
  const problems: string[] = []
  before(async () => {
    ;[env, browser] = await Promise.all([startOpenApiServer(), launchChromium()])
    server = env.server
    page = await (await browser.newContext({ locale: 'en-US' })).newPage()
    page.setDefaultTimeout(60_000)
    // CSP violations are console errors too.
    page.on('console', (message) => void (message.type() === 'error' && problems.push(`console error: ${message.text()}`)))
    page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`))
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}: ${request.failure()?.errorText}`))
    page.on('request', (request) => {
      const url = request.url()
      if (!url.startsWith(`${server.url}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`request outside the server: ${url}`)
    })
    await page.goto(`${server.url}/docs`)
  })
  after(async () => {
    await browser?.close()
    await env?.close()
  })

  it('renders one block per operation of /openapi.json, with no problem', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { tags: string[] }>> }
    // An operation is shown under each of its tags (POST /ocr: OCR and PaddleX).
    const blocks = Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation.tags.length))
    await page.locator('.opblock').first().waitFor()
    assert.equal(await page.locator('.opblock').count(), blocks.reduce((a, b) => a + b))
    assert.match((await page.locator('.info .title').textContent()) ?? '', /ppserve/)
    assert.equal(await page.locator('.errors-wrapper').count(), 0, 'Swagger UI reports errors in the document')
    assert.deepEqual(problems, [])
  })

  it('"Try it out" calls this server', async () => {
    const block = page.locator('#operations-Server-get_healthz')
    await block.locator('.opblock-summary').click()
    await block.getByRole('button', { name: 'Try it out' }).click()
    await block.getByRole('button', { name: 'Execute' }).click()
    const live = block.locator('.live-responses-table tr.response')
    await live.waitFor()
    assert.equal((await live.locator('.response-col_status').textContent())?.trim(), '200')
    assert.match((await live.locator('.microlight').first().textContent()) ?? '', /"status": "ok"/)
    assert.deepEqual(problems, [])
  })
})
