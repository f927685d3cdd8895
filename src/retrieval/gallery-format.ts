/**
 * The JSON files of one gallery generation, with their schemas: manifest.json (what the index
 * is, which files make it up, their sizes and sha256) and id_map.json (entry per faiss position).
 */
import { z } from 'zod'
import { IndexFileError } from './errors.js'
import { ScoreCalibrationSchema } from './score-calibration.js'

export const FILE_NAMES = {
  manifest: 'manifest.json',
  index: 'vector.index',
  idMap: 'id_map.json',
  vectors: 'vectors.f32',
  ivfTemplate: 'ivf-trained.index',
} as const

const FileRecord = z.strictObject({
  name: z.string().regex(/^[a-z0-9_.-]+$/),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
})
export type FileRecord = z.infer<typeof FileRecord>

export const ManifestSchema = z.strictObject({
  format: z.literal('ppserve-gallery'),
  version: z.literal(1),
  generation: z.number().int().positive(),
  dim: z.number().int().positive(),
  metric: z.enum(['IP', 'L2']),
  method: z.enum(['Flat', 'HNSW', 'IVF']),
  /** The feature extractor the vectors come from; queries must use the same one. */
  model: z.string(),
  count: z.number().int().nonnegative(),
  createdAt: z.string(),
  /** The acceptance threshold fitted on this generation (`score_thres: auto`); absent in older generations. */
  calibration: ScoreCalibrationSchema.optional(),
  files: z.strictObject({
    index: FileRecord,
    idMap: FileRecord,
    vectors: FileRecord,
    ivfTemplate: FileRecord.optional(),
  }),
})
export type GalleryManifest = z.infer<typeof ManifestSchema>

export const IdMapFileSchema = z.strictObject({
  nextId: z.number().int().nonnegative(),
  entries: z.array(z.strictObject({ id: z.number().int().nonnegative(), path: z.string(), label: z.string() })),
})
export type IdMapFile = z.infer<typeof IdMapFileSchema>

/** Parses a JSON file's text against a schema; errors name the file and the first bad field. */
export function parseJsonFile<T>(schema: z.ZodType<T>, text: string, file: string): T {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new IndexFileError(`${file} is not valid JSON (${(error as Error).message}): the file is corrupt`, { cause: error })
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)'
    throw new IndexFileError(`${file} is not a valid ppserve gallery file: ${where}: ${issue?.message ?? 'invalid'}`)
  }
  return parsed.data
}
