/**
 * GET /docs: the page and every file it references are served by this server (200, right
 * content type), nothing it names lives elsewhere, and its script loads /openapi.json relatively.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startTestServer, type TestServer } from '../helpers/http-server.js'

const EXPECTED_TYPE: Readonly<Record<string, RegExp>> = {
  '.css': /^text\/css/,
  '.js': /^text\/javascript/,
  '.png': /^image\/png$/,
}

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:)?\/\//i // http://, https://, protocol-relative //, any scheme

describe('GET /docs', () => {
  let server: TestServer
  let docsUrl: string
  let html: string
  let response: Response
  before(async () => {
    server = await startTestServer({ services: { ocr: { enabled: false } } })
    docsUrl = `${server.url}/docs`
    response = await fetch(docsUrl)
    html = await response.text()
  })
  after(() => server?.close())

  const references = () => [...html.matchAll(/\b(?:src|href)\s*=\s*"([^"]*)"/g)].map((match) => match[1]!)

  it('is an HTML page whose Content-Security-Policy allows this origin only', () => {
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/)
    const csp = response.headers.get('content-security-policy') ?? ''
    assert.match(csp, /default-src 'none'/)
    assert.match(csp, /script-src 'self'(;|$)/)
    assert.match(csp, /connect-src 'self'(;|$)/)
    assert.doesNotMatch(csp, /https?:/)
  })

  it('references no external URL, and every file it references is served with its content type', async () => {
    const urls = references()
    assert.ok(urls.length >= 3, urls.join(' '))
    assert.deepEqual(urls.filter((ref) => EXTERNAL.test(ref)), [])
    assert.doesNotMatch(html, /https?:\/\//)
    for (const ref of urls) {
      const asset = await fetch(new URL(ref, docsUrl))
      assert.equal(asset.status, 200, ref)
      const extension = ref.slice(ref.lastIndexOf('.'))
      assert.match(asset.headers.get('content-type') ?? '', EXPECTED_TYPE[extension]!, ref)
      const body = await asset.text()
      assert.ok(body.length > 0, ref)
      if (extension === '.css') assert.doesNotMatch(body, /url\(\s*['"]?(https?:)?\/\/|@import/, `${ref} loads something from elsewhere`)
    }
  })

  it("starts Swagger UI on this server's /openapi.json, with the online validator off", async () => {
    const scripts = references().filter((ref) => ref.endsWith('.js'))
    const bundle = await (await fetch(new URL(scripts[0]!, docsUrl))).text()
    assert.match(bundle, /SwaggerUIBundle/)
    const start = await (await fetch(new URL(scripts.at(-1)!, docsUrl))).text()
    assert.match(start, /validatorUrl: null/)
    const documentUrl = /new URL\('([^']+)', document\.baseURI\)/.exec(start)?.[1]
    assert.equal(documentUrl, 'openapi.json')
    const document = await fetch(new URL(documentUrl!, docsUrl))
    assert.equal(document.status, 200)
    assert.equal(((await document.json()) as { openapi: string }).openapi, '3.1.0')
  })

  it('sends the 1.7 MB bundle compressed, and 404 for a file it does not have', async () => {
    const bundle = await fetch(`${docsUrl}/swagger-ui-bundle.js`, { headers: { 'accept-encoding': 'gzip' } })
    assert.equal(bundle.headers.get('content-encoding'), 'gzip')
    await bundle.arrayBuffer()
    const missing = await fetch(`${docsUrl}/index.html`)
    assert.equal(missing.status, 404)
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'not_found')
  })
})
