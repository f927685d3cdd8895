/**
 * The model package manifest a conversion writes: the real feed/fetch names with their alias
 * names, dtypes and shapes, validated against the runtime's ManifestSchema before anything is
 * written (so the serving side can always load what convert produced).
 */
import { Document, isMap, isSeq } from 'yaml'
import { formatIssues } from '../config/format-issues.js'
import { ManifestSchema, type Manifest } from '../runtime/manifest.js'
import type { ConvertedModel, TensorInfo } from './convert-program.js'
import { ConversionError } from './errors.js'

export const MODEL_FILE = 'model.onnx'

/** A default alias from a tensor name: `save_infer_model/scale_0.tmp_1` → `save_infer_model_scale_0_tmp_1`. */
export function defaultAlias(name: string): string {
  const snake = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/^_+|_+$/g, '')
  return /^[a-z]/.test(snake) ? snake : `t_${snake}`
}

function specs(tensors: readonly TensorInfo[], aliases: ReadonlyMap<string, string>, role: 'feed' | 'fetch') {
  for (const name of aliases.keys()) {
    if (!tensors.some((t) => t.name === name)) {
      throw new ConversionError(`--${role}-alias names ${name}, which is not a ${role} of the converted model (${tensors.map((t) => t.name).join(', ')})`)
    }
  }
  return tensors.map((t) => ({ name: t.name, alias: aliases.get(t.name) ?? defaultAlias(t.name), dtype: t.dtype, shape: [...t.dims] }))
}

export interface ManifestInput {
  readonly name: string
  readonly source: string
  readonly converted: ConvertedModel
  readonly feedAliases: ReadonlyMap<string, string>
  readonly fetchAliases: ReadonlyMap<string, string>
}

export function buildManifest(input: ManifestInput): Manifest {
  const raw = {
    name: input.name,
    description: `converted from the Paddle inference model ${input.source}`,
    model: MODEL_FILE,
    feeds: specs(input.converted.feeds, input.feedAliases, 'feed'),
    fetches: specs(input.converted.fetches, input.fetchAliases, 'fetch'),
  }
  const parsed = ManifestSchema.safeParse(raw)
  if (!parsed.success) throw new ConversionError(formatIssues(`manifest for ${input.name}`, parsed.error.issues))
  return parsed.data
}

export function manifestText(manifest: Manifest): string {
  const { name, description, model, feeds, fetches } = manifest
  // Written by `ppserve convert`; channel_order and preprocess are left to their defaults for the
  // user to set, since a Paddle program does not record them.
  const doc = new Document({ name, description, model, feeds, fetches })
  // One line per tensor, like the hand-written manifests in models/.
  for (const key of ['feeds', 'fetches']) {
    const list = doc.get(key)
    if (isSeq(list)) for (const item of list.items) if (isMap(item)) item.flow = true
  }
  return `# Written by ppserve convert.\n${doc.toString({ lineWidth: 0 })}`
}
