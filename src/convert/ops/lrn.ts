/**
 * lrn: local response normalisation across channels (NCHW).
 *
 * Paddle (lrn_op.cc): out = x / (k + alpha · Σ x²)^beta, the sum over the n channels
 * [c - (n-1)/2, c + (n-1)/2] clipped to the tensor; alpha is NOT divided by n.
 * ONNX LRN: out = x / (bias + alpha / size · Σ x²)^beta over the same window for odd sizes.
 * So ONNX alpha = Paddle alpha · n. (Caffe divides by n too: Caffe alpha = Paddle alpha · n.)
 */
import { ConversionError } from '../errors.js'
import { float, int } from '../onnx/graph-builder.js'
import type { OpMapper } from './mapper.js'

/** Paddle's op defaults (LRNOpMaker), used when a program leaves an attribute out. */
const DEFAULTS = { n: 5, k: 2, alpha: 1e-4, beta: 0.75 } as const

export const lrn: OpMapper = (ctx) => {
  const { attrs } = ctx
  const layout = attrs.string('data_format', 'AnyLayout')
  if (layout === 'NHWC') throw new ConversionError('lrn: NHWC layout is not supported')
  const n = attrs.number('n', DEFAULTS.n)
  // Paddle rejects even n (InferShape); an even ONNX window would also be off-centre.
  if (!Number.isInteger(n) || n <= 0 || n % 2 === 0) throw new ConversionError(`lrn: n must be a positive odd integer, got ${n}`)
  const rank = ctx.dims('X').length
  if (rank !== 4) throw new ConversionError(`lrn: input must be 4-D NCHW, got ${rank}-D`)
  ctx.graph.node('LRN', [ctx.input('X')], [ctx.output('Out')], {
    size: int(n),
    alpha: float(attrs.number('alpha', DEFAULTS.alpha) * n),
    beta: float(attrs.number('beta', DEFAULTS.beta)),
    bias: float(attrs.number('k', DEFAULTS.k)),
  })
}
