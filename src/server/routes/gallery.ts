/**
 * Live gallery management: add an image under a label, remove by id or by label, describe.
 * Changes are durable and visible to the next /recognize; the write routes need a bearer token
 * when one is configured, and a loopback client otherwise.
 */
import { Hono } from 'hono'
import type { ServingConfig } from '../../config/schema.js'
import type { Engine } from '../../engine/engine.js'
import { InvalidInput } from '../../engine/errors.js'
import type { RecognitionService } from '../../tasks/recognition/recognition-service.js'
import { galleryWriteAccess } from '../gallery-access.js'
import { readImageRequest } from '../image-request.js'

function parseId(text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new InvalidInput(`item id must be a non-negative integer, got ${JSON.stringify(text)}`)
  return Number(text)
}

export function galleryRoutes(engine: Engine, service: RecognitionService, config: Readonly<ServingConfig>): Hono {
  const app = new Hono()
  const token = process.env.PPSERVE_GALLERY_TOKEN || config.services.recognize.gallery.token || undefined
  const writes = galleryWriteAccess(token)

  app.get('/gallery/:index', async (c) => c.json(await service.info(c.req.param('index'))))

  app.post('/gallery/:index/items', writes, async (c) => {
    const { images, options } = await readImageRequest(c.req, 1)
    const { label, ...rest } = options
    if (Object.keys(rest).length > 0) throw new InvalidInput(`unknown field(s) ${Object.keys(rest).join(', ')}; send an image and a label`)
    if (typeof label !== 'string') throw new InvalidInput('a gallery item needs a "label" (form field, JSON key or ?label=)')
    const ctx = engine.createContext({ requestId: c.get('requestId'), signal: c.req.raw.signal })
    const item = await engine.serve('gallery', ctx, (ctx) => service.addItem(c.req.param('index'), images[0]!, label, ctx))
    return c.json(item, 201)
  })

  app.delete('/gallery/:index/items/:id', writes, async (c) => {
    await service.removeItem(c.req.param('index'), parseId(c.req.param('id')))
    return c.json({ removed: [Number(c.req.param('id'))] })
  })

  app.delete('/gallery/:index/items', writes, async (c) => {
    const label = c.req.query('label')
    if (!label) throw new InvalidInput('say which items to remove: DELETE /gallery/{index}/items/{id} or ?label=LABEL')
    return c.json({ removed: await service.removeLabel(c.req.param('index'), label) })
  })
  return app
}
