/**
 * The web page (README "Web page"): `GET /` answers src/web's index.html, `GET /web/{file}` the
 * compiled bundle beside it (dist/web, written by `npm run build`), and `GET /web/config` what the
 * page needs to know about this server (services, classifiers, galleries, metrics, docs). The
 * Content-Security-Policy allows this origin only, so the page makes no request elsewhere.
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Hono } from 'hono'
import { z } from 'zod'
import { ConfigError, NotFound } from '../../engine/errors.js'
import { galleryExists } from '../../tasks/recognition/gallery.js'
import type { ApiRoute } from '../../tasks/route-docs.js'
import { clipText } from '../../util/quote.js'
import type { Services } from '../services.js'

/** dist/web of this checkout, from src/server/routes (tsx) and dist/server/routes alike. */
export const WEB_BUNDLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../dist/web')

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
}

/** One flat name with a known extension: nothing outside the bundle folder can be named. */
const FILE_NAME = /^[A-Za-z0-9][\w-]*\.(html|js|css|svg|png|jpg)$/

const PAGE_HEADERS = {
  // blob: shows the chosen images before they are sent, data: the drawn JPEGs of the answers.
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data: blob:; script-src 'self'; style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // Rebuilt bundles must show at the next load; the files are small.
  'Cache-Control': 'no-cache',
}

/** What the page asks the server once at start (GET /web/config). */
export interface WebPageConfig {
  readonly services: ReadonlyArray<{ name: string; title: string }>
  readonly classify?: { default_model: string; models: string[] }
  readonly recognize?: { default_index: string; indexes: string[]; token_required: boolean }
  readonly metrics: boolean
  readonly docs: boolean
}

async function galleriesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    // No indexes folder yet: no gallery built so far, which the page shows as an empty list.
    if (error.code === 'ENOENT') return []
    throw error
  })
  return entries.filter((e) => e.isDirectory() && galleryExists(path.join(dir, e.name))).map((e) => e.name)
}

async function pageConfig(services: Services): Promise<WebPageConfig> {
  const { config } = services
  const enabled = (name: string) => services.task(name) !== undefined
  const classify = config.services.classify
  const recognize = config.services.recognize
  return {
    services: services.tasks.map((t) => ({ name: t.definition.name, title: t.definition.title })),
    ...(enabled('classify') && { classify: { default_model: classify.default_model, models: [...new Set([classify.default_model, ...classify.models])] } }),
    ...(enabled('recognize') && {
      recognize: {
        default_index: recognize.default_index,
        indexes: [...new Set([recognize.default_index, ...(await galleriesIn(recognize.indexes_dir))])].sort(),
        token_required: recognize.gallery.token !== null,
      },
    }),
    metrics: services.metrics !== undefined,
    docs: config.openapi.enabled,
  }
}

/** The bundle is absent in a source checkout that was never built: say how to build it (500 config_error). */
function notBuilt(dir: string): ConfigError {
  return new ConfigError(`the web page is not built (no ${path.join(dir, 'index.html')}): run \`npm run build\`, which compiles src/web into dist/web`)
}

async function readBundleFile(dir: string, name: string): Promise<Buffer | undefined> {
  return readFile(path.join(dir, name)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined
    throw error
  })
}

export function webPageRoutes(services: Services, dir: string = WEB_BUNDLE_DIR): Hono {
  const app = new Hono()
  app.get('/', async (c) => {
    const html = await readBundleFile(dir, 'index.html')
    if (!html) throw notBuilt(dir)
    return c.body(new Uint8Array(html), 200, { ...PAGE_HEADERS, 'Content-Type': CONTENT_TYPES['.html']! })
  })
  app.get('/web/config', async (c) => c.json(await pageConfig(services), 200, { 'Cache-Control': 'no-cache' }))
  app.get('/web/:file', async (c) => {
    const name = c.req.param('file')
    const body = FILE_NAME.test(name) ? await readBundleFile(dir, name) : undefined
    if (!body) {
      if (!(await readBundleFile(dir, 'index.html'))) throw notBuilt(dir)
      throw new NotFound(`no file ${clipText(name)} in the web page's bundle`)
    }
    return c.body(new Uint8Array(body), 200, { ...PAGE_HEADERS, 'Content-Type': CONTENT_TYPES[path.extname(name)]! })
  })
  return app
}

/** The page's routes for the OpenAPI document (src/server/openapi/server-routes.ts). */
export function webPageRouteDocs(): ApiRoute[] {
  const tag = 'web page'
  const file = { description: 'The file.', content: { '*/*': { type: 'string', format: 'binary' } } }
  return [
    { method: 'get', path: '/', tag, summary: 'The web page: try the services, manage galleries, watch status', responses: { 200: { description: 'The page.', content: { 'text/html': { type: 'string' } } } }, errors: [500] },
    { method: 'get', path: '/web/config', tag, summary: 'What the web page needs to know about this server', responses: { 200: { description: 'Services, classifiers, galleries, metrics, docs.', content: { 'application/json': { type: 'object' } } } } },
    { method: 'get', path: '/web/:file', tag, summary: 'A file of the web page', params: z.strictObject({ file: z.string().regex(FILE_NAME) }), responses: { 200: file }, errors: [404, 500] },
  ]
}
