/**
 * GET /openapi.json and GET /docs: Swagger UI (swagger-ui-dist, a maintained renderer with no
 * dependencies of its own at run time) served from node_modules by these routes. The page loads
 * nothing from elsewhere: its Content-Security-Policy allows this origin only.
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Hono } from 'hono'
import { compress } from 'hono/compress'
import { NotFound } from '../../engine/errors.js'
import { clipText } from '../../util/quote.js'

const DIST = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))

const JS = 'text/javascript; charset=utf-8'
/** The page's files under /docs/ → their content type: swagger-ui-dist's, and the script that starts it. */
export const DOCS_ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': JS,
  'favicon-32x32.png': 'image/png',
  'start.js': JS,
}

// Relative URLs, so the page also works behind a proxy that serves the API under a prefix.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ppserve API</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
<link rel="icon" type="image/png" href="docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/start.js"></script>
</body>
</html>
`

// validatorUrl: null: Swagger UI would otherwise send the document to validator.swagger.io.
const START = `window.ui = SwaggerUIBundle({
  url: new URL('openapi.json', document.baseURI).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
})
`

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // Swagger UI sets style attributes
  "img-src 'self' data: blob:",
  "connect-src 'self'", // the document and "Try it out"
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ')

const SECURITY_HEADERS = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff' }

/** `document`: the OpenAPI document, built on first use. */
export function docsRoutes(document: () => unknown): Hono {
  const app = new Hono()
  const files = new Map<string, Promise<Buffer>>()
  const read = (name: string): Promise<Buffer> => {
    let bytes = files.get(name)
    if (!bytes) {
      bytes = readFile(path.join(DIST, name))
      files.set(name, bytes)
      bytes.catch(() => files.delete(name)) // a failed read is retried by the next request (and answered 500 by this one)
    }
    return bytes
  }
  app.get('/openapi.json', (c) => c.json(document()))
  app.get('/docs', (c) => c.html(PAGE, 200, SECURITY_HEADERS))
  app.use('/docs/*', compress()) // the bundle is 1.7 MB, 0.5 MB gzipped
  app.get('/docs/:asset', async (c) => {
    const name = c.req.param('asset')
    const type = Object.hasOwn(DOCS_ASSETS, name) ? DOCS_ASSETS[name]! : undefined
    if (!type) throw new NotFound(`no file /docs/${clipText(name)} (files: ${Object.keys(DOCS_ASSETS).join(', ')})`)
    const body = name === 'start.js' ? START : new Uint8Array(await read(name))
    return c.body(body, 200, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'public, max-age=3600' })
  })
  return app
}
