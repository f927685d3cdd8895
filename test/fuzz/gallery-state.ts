/**
 * What the galleries must hold after the fuzz run, learnt from the answers: every successful
 * change (a 201 add, a 200 removal by id or label, PaddleX's index build / add / remove with the
 * whole idMap) applied in order to a model of id → label per gallery. Requests go one at a time,
 * so the model is exact: any other item in a gallery is a change the server made but did not
 * report (or reported and did not make). Also resolves BUILT_INDEX in generated requests.
 */
import type { FuzzAnswer, FuzzRequest } from './client.js'
import { resolvedPath } from './envelopes.js'
import type { SeedItem } from './gallery-seed.js'
import { BUILT_INDEX } from './gallery-values.js'

type Answered = FuzzAnswer & { outcome: 'answered' }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The path segment as hono hands it to the route (percent escapes decoded). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

export class GalleryState {
  /** Gallery name → item id → label. */
  readonly galleries = new Map<string, Map<number, string>>()
  /** Galleries /shitu-index-build made, in order. */
  readonly built: string[] = []
  /** The changes applied, for the report. */
  changes = 0

  /** The default gallery starts with the seed items, ids in data-file order. */
  constructor(
    private readonly defaultIndex: string,
    seed: readonly SeedItem[],
  ) {
    this.galleries.set(defaultIndex, new Map(seed.map((item, id) => [id, item.label])))
  }

  /** The request with BUILT_INDEX replaced by the last built gallery (the default one before any). */
  resolve(request: FuzzRequest): FuzzRequest {
    const name = this.built.at(-1) ?? this.defaultIndex
    const body = Buffer.from(request.body)
    if (!request.path.includes(BUILT_INDEX) && !body.includes(BUILT_INDEX)) return request
    return { ...request, path: request.path.replaceAll(BUILT_INDEX, name), body: new Uint8Array(Buffer.from(body.toString('latin1').replaceAll(BUILT_INDEX, name), 'latin1')) }
  }

  /** Applies the change a successful answer reports; other answers change nothing. */
  observe(request: FuzzRequest, answer: Answered): void {
    if (answer.status !== 200 && answer.status !== 201) return
    const path = resolvedPath(request.path)
    const body = parseJson(answer.text)
    if (!isObject(body)) return
    const native = /^\/gallery\/([^/]+)\/items(?:\/[^/]+)?$/.exec(path)
    if (native) return this.#native(request.method, decodeSegment(native[1]!), body)
    if (request.method !== 'POST' || !path.startsWith('/shitu-index-') || !isObject(body.result)) return
    const result = body.result
    if (path === '/shitu-index-build' && typeof result.indexKey === 'string') {
      this.built.push(result.indexKey)
      this.#replace(result.indexKey, result.idMap)
    } else if (path === '/shitu-index-add' || path === '/shitu-index-remove') {
      // The server parsed this body (its c.req.text() drops a BOM, as TextDecoder does).
      const sent = parseJson(new TextDecoder().decode(request.body))
      if (isObject(sent) && typeof sent.indexKey === 'string') this.#replace(sent.indexKey, result.idMap)
    }
  }

  #native(method: string, index: string, body: Record<string, unknown>): void {
    const items = this.#gallery(index)
    if (method === 'POST' && typeof body.id === 'number' && typeof body.label === 'string') items.set(body.id, body.label)
    else if (method === 'DELETE' && Array.isArray(body.removed)) for (const id of body.removed) items.delete(id as number)
    else return
    this.changes++
  }

  #replace(index: string, idMap: unknown): void {
    if (!isObject(idMap)) return
    this.galleries.set(index, new Map(Object.entries(idMap).map(([id, label]) => [Number(id), String(label)])))
    this.changes++
  }

  #gallery(index: string): Map<number, string> {
    let items = this.galleries.get(index)
    if (!items) this.galleries.set(index, (items = new Map()))
    return items
  }
}

/** Items per label, sorted by label, for comparing with GET /gallery/{index}'s `labels`. */
export function labelCounts(items: ReadonlyMap<number, string>): Array<[string, number]> {
  const counts = new Map<string, number>()
  for (const label of items.values()) counts.set(label, (counts.get(label) ?? 0) + 1)
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}
