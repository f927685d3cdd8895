/**
 * Live gallery management: add an image under a label, remove by id or by label, describe.
 * Changes are durable and visible to the next /recognize; the write routes need a bearer token
 * when one is configured, and a loopback client otherwise. Every route is an engine request
 * (accounting, deadline, refused during shutdown) named `gallery`.
 */
import { Hono } from 'hono'
import { InvalidInput } from '../../engine/errors.js'
import { quoteList, quoteValue } from '../../util/quote.js'
import type { RouteKit } from '../task.js'
import { galleryWriteAccess } from './gallery-access.js'
import { checkLabel, type GalleryService } from './gallery-service.js'
import type { RecognizeConfig } from './recognize-config.js'

const SERVICE = 'gallery'

function parseId(text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new InvalidInput(`item id must be a non-negative integer, got ${quoteValue(text)}`)
  return Number(text)
}

export function galleryRoutes(galleries: GalleryService, kit: RouteKit, config: RecognizeConfig): Hono {
  const app = new Hono()
  const writes = galleryWriteAccess(config.gallery.token ?? undefined)

  app.get('/gallery/:index', async (c) => c.json(await kit.serve(c, SERVICE, () => galleries.info(c.req.param('index')))))

  app.post('/gallery/:index/items', writes, async (c) => {
    const { images, options } = await kit.readImages(c, 1)
    const { label, ...rest } = options
    if (Object.keys(rest).length > 0) throw new InvalidInput(`unknown field(s) ${quoteList(Object.keys(rest))}; send an image and a label`)
    if (typeof label !== 'string') throw new InvalidInput('a gallery item needs a "label" (form field, JSON key or ?label=)')
    checkLabel(label) // before any decoding or model work
    const item = await kit.serve(c, SERVICE, async (ctx) => {
      const image = await kit.decode(images[0]!, 'rgb', ctx)
      return galleries.addItem(c.req.param('index'), image, images[0]!, label, ctx)
    })
    return c.json(item, 201)
  })

  app.delete('/gallery/:index/items/:id', writes, async (c) => {
    const id = parseId(c.req.param('id'))
    await kit.serve(c, SERVICE, (ctx) => galleries.removeItem(c.req.param('index'), id, ctx))
    return c.json({ removed: [id] })
  })

  app.delete('/gallery/:index/items', writes, async (c) => {
    const label = c.req.query('label')
    if (!label) throw new InvalidInput('say which items to remove: DELETE /gallery/{index}/items/{id} or ?label=LABEL')
    return c.json({ removed: await kit.serve(c, SERVICE, (ctx) => galleries.removeLabel(c.req.param('index'), label, ctx)) })
  })
  return app
}
