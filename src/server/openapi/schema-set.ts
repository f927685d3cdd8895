/**
 * zod → JSON Schema for the OpenAPI document, with zod's own converter (z.toJSONSchema): the
 * document comes from the very schemas that validate requests, and no third-party mapping layer
 * (zod-openapi and the like wrap this same converter) can fall behind zod. OpenAPI 3.1 schemas
 * are JSON Schema 2020-12, the converter's target. Schemas named with `.meta({ id })` become
 * components, shared by every route that uses them.
 */
import { z } from 'zod'
import type { ApiSchema } from '../../tasks/route-docs.js'

export type Json = Record<string, unknown>

const DEFS = '#/$defs/'
const COMPONENTS = '#/components/schemas/'

/** `$ref`s into the converter's `$defs` → into the document's components. */
function retarget(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(retarget)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, key === '$ref' && typeof item === 'string' && item.startsWith(DEFS) ? COMPONENTS + item.slice(DEFS.length) : retarget(item)]),
  )
}

export class SchemaSet {
  readonly #components = new Map<string, Json>()

  /**
   * `io`: 'input' for what clients send (the value before preprocessing: an option's type and
   * range), 'output' for answers. A schema zod cannot express throws: the document would lie.
   */
  convert(schema: ApiSchema, io: 'input' | 'output'): Json {
    if (!(schema instanceof z.ZodType)) return { ...schema }
    const { $schema: _dialect, $defs, ...root } = z.toJSONSchema(schema, { target: 'draft-2020-12', io }) as Json
    for (const [id, definition] of Object.entries(($defs ?? {}) as Record<string, Json>)) this.#add(id, retarget(definition) as Json)
    return retarget(root) as Json
  }

  /** The named schemas met so far, for `components.schemas`. */
  components(): Record<string, Json> {
    return Object.fromEntries([...this.#components].sort(([a], [b]) => a.localeCompare(b)))
  }

  #add(id: string, definition: Json): void {
    const known = this.#components.get(id)
    if (known && JSON.stringify(known) !== JSON.stringify(definition)) {
      throw new Error(`two different schemas are named "${id}" (.meta({ id })); an id names one schema (in requests and answers alike)`)
    }
    this.#components.set(id, definition)
  }
}
