/**
 * The engine op behind `POST /v2/models/{m}/infer` (one per model package, `kserve:<m>`), so
 * KServe requests go through the same batch queues, deadlines and accounting as the tasks. A
 * request's tensors are split along axis 0 into single samples; process() groups the samples of
 * a batch by model version and shape, concatenates each group along axis 0 into one model.run,
 * and splits the outputs back. A model whose axis 0 is not a dynamic batch axis (Triton's
 * max_batch_size 0) gets each request's tensors whole, one run per request.
 */
import type { BatchCall } from '../../../engine/batch-call.js'
import { InferenceError } from '../../../engine/errors.js'
import type { Op } from '../../../engine/op.js'
import type { Model } from '../../../runtime/model.js'
import type { Tensor } from '../../../runtime/tensor.js'
import type { InputTensor } from './infer-request.js'

export interface ModelOpInput {
  /** The version the request was checked against; the request holds a lease on it. */
  readonly model: Model
  readonly inputs: readonly InputTensor[]
  /** Split into samples (dynamic batch axis) or run whole. */
  readonly batchable: boolean
}

/** One sample (batchable) or one whole request, by real input name. */
export interface ModelOpItem {
  readonly model: Model
  readonly tensors: Readonly<Record<string, Tensor>>
  /** Items with the same key (and model) can be concatenated along axis 0. */
  readonly key: string | undefined
}

/** Outputs by real name; axis 0 counts the samples they answer. */
export type ModelOpOutput = Record<string, Tensor>

function sample(tensor: Tensor, i: number): Tensor {
  const [n = 1, ...rest] = tensor.dims
  const size = tensor.data.length / n
  return { data: tensor.data.subarray(i * size, (i + 1) * size), dims: [1, ...rest] }
}

/** Concatenates tensors along axis 0; their other axes must agree. */
export function concatAxis0(parts: readonly Tensor[], what: string): Tensor {
  const rest = parts[0]!.dims.slice(1)
  const key = rest.join(',')
  if (parts.some((t) => t.dims.slice(1).join(',') !== key)) throw new InferenceError(`${what}: the samples' outputs have different shapes and cannot be joined; send one sample per request`)
  if (parts.length === 1) return parts[0]!
  const data = new Float32Array(parts.reduce((sum, t) => sum + t.data.length, 0))
  let offset = 0
  for (const part of parts) {
    data.set(part.data, offset)
    offset += part.data.length
  }
  return { data, dims: [parts.reduce((sum, t) => sum + t.dims[0]!, 0), ...rest] }
}

/** Runs one group of compatible items as one model call and splits the outputs per item. */
async function runGroup(items: readonly ModelOpItem[], call: BatchCall): Promise<ModelOpOutput[]> {
  const model = items[0]!.model
  const signature = model.signature
  const feeds: Record<string, Tensor> = {}
  for (const spec of signature.inputs) {
    feeds[model.pkg.manifest.feeds.find((f) => f.name === spec.name)!.alias] = concatAxis0(items.map((item) => item.tensors[spec.name]!), `input ${spec.name}`)
  }
  const byAlias = await model.run(feeds, call)
  const counts = items.map((item) => item.tensors[signature.inputs[0]!.name]!.dims[0]!)
  const total = counts.reduce((a, b) => a + b, 0)
  const outputs: ModelOpOutput[] = items.map(() => ({}))
  for (const spec of model.pkg.manifest.fetches) {
    const tensor = byAlias[spec.alias]!
    const [n = 0, ...rest] = tensor.dims
    if (n !== total) throw new InferenceError(`model ${model.name}: output ${spec.name} has ${n} rows on axis 0 for a batch of ${total}`)
    const size = n > 0 ? tensor.data.length / n : 0
    let row = 0
    counts.forEach((count, i) => {
      outputs[i]![spec.name] = { data: tensor.data.subarray(row * size, (row + count) * size), dims: [count, ...rest] }
      row += count
    })
  }
  return outputs
}

export function createModelOp(name: string): Op<ModelOpInput, ModelOpItem, ModelOpOutput, ModelOpOutput> {
  return {
    name: `kserve:${name}`,
    preprocess({ model, inputs, batchable }) {
      const tensors = (i?: number) => Object.fromEntries(inputs.map((t) => [t.signature.name, i === undefined ? { data: t.data, dims: t.dims } : sample(t, i)]))
      if (!batchable) return [{ model, tensors: tensors(), key: undefined }]
      const key = inputs.map((t) => t.dims.slice(1).join('x')).join(';')
      return Array.from({ length: inputs[0]!.dims[0]! }, (_, i) => ({ model, tensors: tensors(i), key }))
    },
    async process(batch, call) {
      // Groups in arrival order: same version and same sample shape; a whole request is its own.
      const groups: ModelOpItem[][] = []
      const byModel = new Map<Model, Map<string, ModelOpItem[]>>()
      for (const item of batch) {
        if (item.key === undefined) {
          groups.push([item])
          continue
        }
        let byKey = byModel.get(item.model)
        if (!byKey) byModel.set(item.model, (byKey = new Map()))
        let group = byKey.get(item.key)
        if (!group) {
          byKey.set(item.key, (group = []))
          groups.push(group)
        }
        group.push(item)
      }
      const outputs = new Map<ModelOpItem, ModelOpOutput | Error>()
      for (const group of groups.values()) {
        try {
          const results = await runGroup(group, call)
          group.forEach((item, i) => outputs.set(item, results[i]!))
        } catch (error) {
          // One group's failure (e.g. a version closed under it) fails only its requests.
          for (const item of group) outputs.set(item, error as Error)
        }
      }
      return batch.map((item) => outputs.get(item)!)
    },
    postprocess(_input, outputs) {
      const joined: ModelOpOutput = {}
      for (const name of Object.keys(outputs[0] ?? {})) joined[name] = concatAxis0(outputs.map((o) => o[name]!), `output ${name}`)
      return joined
    },
  }
}
