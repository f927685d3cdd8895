/**
 * `models/NAME/pulled.json`: where a pulled package came from and what it should hash to, so
 * `models verify` can tell an intact package from a modified or half-replaced one.
 */
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { PullError } from './errors.js'

export const PROVENANCE_FILE = 'pulled.json'

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/)

const ProvenanceSchema = z.object({
  name: z.string(),
  pulled_at: z.string(),
  source: z.object({
    format: z.enum(['paddle', 'onnx']),
    /** The URL downloaded, or the mirror path used. */
    url: z.string().optional(),
    mirror: z.string().optional(),
    sha256: Sha256,
    /** `file`: of the downloaded/mirrored file; `tree`: of a mirror folder (see tree-hash.ts). */
    sha256_of: z.enum(['file', 'tree']),
    /** Whether the manifest pinned that sha256 (else it was only recorded). */
    pinned: z.boolean(),
  }),
  model: z.object({ path: z.string(), sha256: Sha256, bytes: z.number().int().nonnegative() }),
  files: z.record(z.string(), z.object({ path: z.string(), sha256: Sha256, from: z.string() })),
  converter: z
    .object({ tool: z.string(), version: z.string(), opset: z.number().int(), lrn_after: z.array(z.string()).optional() })
    .optional(),
})

export type Provenance = z.infer<typeof ProvenanceSchema>

/** ppserve's version (package.json), recorded as the converter version. */
export function ppserveVersion(): string {
  const file = new URL('../../../package.json', import.meta.url)
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown'
}

export function provenanceText(provenance: Provenance): string {
  return `${JSON.stringify(provenance, null, 2)}\n`
}

/** The package's provenance, or undefined when it has none (never pulled). */
export async function readProvenance(packageDir: string): Promise<Provenance | undefined> {
  const file = path.join(packageDir, PROVENANCE_FILE)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new PullError(`cannot read ${file}: ${(error as Error).message}`, { cause: error })
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new PullError(`${file} is not valid JSON (${(error as Error).message}); pull the model again with --force`, { cause: error })
  }
  const parsed = ProvenanceSchema.safeParse(raw)
  if (!parsed.success) throw new PullError(`${file} is not a ppserve provenance file (${parsed.error.issues[0]?.message ?? 'invalid'}); pull the model again with --force`)
  return parsed.data
}
