/** onnxruntime-node session running in the calling thread (blocks that thread during run()). */
import ort from 'onnxruntime-node'
import { InferenceError, ModelLoadError } from '../engine/errors.js'
import { log } from '../util/log.js'
import type { ModelSession, SessionOptions, TensorInfo } from './session.js'
import type { Tensor } from './tensor.js'

function ortOptions(options: SessionOptions, providers: readonly string[]): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: options.intraOpThreads,
    interOpNumThreads: options.interOpThreads,
    graphOptimizationLevel: options.graphOptimization,
    executionProviders: [...providers],
    executionMode: 'sequential',
    // No arena: each session's arena kept the largest input it ever saw (det at 960 px, long text
    // lines), times every instance; without it RSS after an OCR load fell 1.6 → 1.0 GB (with
    // MALLOC_ARENA_MAX=2, `npm start`) at the same throughput (bench/BENCHMARKS.md).
    enableCpuMemArena: false,
    // Errors only: some exported models (PicoDet-XS) declare their weights as graph inputs, and
    // onnxruntime would warn about each of them at every start.
    logSeverityLevel: 3,
    // Several sessions share the cores; idle threads left spinning would steal them from each
    // other. A session that runs calls alone spins only during a call (force_spinning_stop).
    extra: {
      session: {
        intra_op: { allow_spinning: options.spinning ? '1' : '0' },
        inter_op: { allow_spinning: '0' },
        ...(options.spinning ? { force_spinning_stop: '1' } : {}),
      },
    },
  }
}

async function createWithFallback(modelPath: string, options: SessionOptions): Promise<ort.InferenceSession> {
  const requested = options.executionProviders.filter((provider) => provider !== 'cpu')
  if (requested.length > 0) {
    try {
      return await ort.InferenceSession.create(modelPath, ortOptions(options, [...requested, 'cpu']))
    } catch (error) {
      log.warn(`execution providers ${requested.join(',')} unavailable for ${modelPath}; falling back to cpu`, {
        reason: (error as Error).message,
      })
    }
  }
  return ort.InferenceSession.create(modelPath, ortOptions(options, ['cpu']))
}

/** Pipeline tensors are float32; an input the graph declares as integer is converted here. */
function toOrt(tensor: Tensor, type: string): ort.Tensor {
  switch (type) {
    case 'int64':
      return new ort.Tensor('int64', BigInt64Array.from(tensor.data, (v) => BigInt(Math.round(v))), tensor.dims)
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from(tensor.data, Math.round), tensor.dims)
    case 'uint8':
      return new ort.Tensor('uint8', Uint8Array.from(tensor.data, Math.round), tensor.dims)
    default:
      return new ort.Tensor('float32', tensor.data, tensor.dims)
  }
}

/**
 * The graph's own declaration of a value. Symbolic dims (`p2o.DynamicDimension.0`) become -1.
 * onnxruntime reports an undeclared shape (outputs of an edited graph) as [], like a scalar's;
 * it is read as undeclared, since a manifest never declares a scalar.
 */
export function tensorInfoOf(meta: ort.InferenceSession.ValueMetadata): TensorInfo {
  if (!meta.isTensor) return { name: meta.name, dtype: 'non-tensor', shape: undefined }
  const shape = meta.shape.map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : -1))
  return { name: meta.name, dtype: meta.type, shape: shape.length > 0 ? shape : undefined }
}

function fromOrt(name: string, value: ort.Tensor): Tensor {
  const dims = [...value.dims]
  if (value.type === 'float32') return { data: value.data as Float32Array, dims }
  if (value.type === 'int32' || value.type === 'int64' || value.type === 'uint8') {
    // Counts and class ids; converted once here so the pipeline stays Float32Array end to end.
    const source = value.data as Int32Array | BigInt64Array | Uint8Array
    const data = new Float32Array(source.length)
    for (let i = 0; i < source.length; i++) data[i] = Number(source[i])
    return { data, dims }
  }
  throw new InferenceError(`output ${name} has unsupported type ${value.type}`)
}

export async function createOrtSession(modelPath: string, options: SessionOptions): Promise<ModelSession> {
  let session: ort.InferenceSession
  try {
    session = await createWithFallback(modelPath, options)
  } catch (error) {
    throw new ModelLoadError(`cannot load ONNX model ${modelPath}: ${(error as Error).message}`, { cause: error })
  }
  const inputs = session.inputMetadata.map(tensorInfoOf)
  const types = new Map(inputs.map((input) => [input.name, input.dtype]))
  return {
    inputs,
    outputs: session.outputMetadata.map(tensorInfoOf),
    async run(feeds) {
      const ortFeeds: Record<string, ort.Tensor> = {}
      for (const [name, tensor] of Object.entries(feeds)) ortFeeds[name] = toOrt(tensor, types.get(name) ?? 'float32')
      let outputs: ort.InferenceSession.OnnxValueMapType
      try {
        outputs = await session.run(ortFeeds)
      } catch (error) {
        throw new InferenceError(`model ${modelPath} failed: ${(error as Error).message}`, { cause: error })
      }
      const result: Record<string, Tensor> = {}
      for (const [name, value] of Object.entries(outputs)) result[name] = fromOrt(name, value as ort.Tensor)
      return result
    },
    close: () => session.release(),
  }
}
