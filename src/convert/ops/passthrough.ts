/** Ops that are (nearly) identities at inference: assign, dropout and cast. */
import { ConversionError } from '../errors.js'
import { floatTensor } from '../onnx/const-tensor.js'
import { int } from '../onnx/graph-builder.js'
import { dtypeInfo, isPaddleDType } from '../paddle/dtype.js'
import type { OpMapper } from './mapper.js'

export const assign: OpMapper = (ctx) => {
  ctx.graph.node('Identity', [ctx.input('X')], [ctx.output('Out')])
}

/**
 * `upscale_in_train` scales while training, so inference is the identity; `downgrade_in_infer`
 * (Paddle's default) multiplies by the keep probability at inference.
 */
export const dropout: OpMapper = (ctx) => {
  const mode = ctx.attrs.string('dropout_implementation', 'downgrade_in_infer')
  const x = ctx.input('X')
  const out = ctx.output('Out')
  if (mode === 'upscale_in_train') {
    ctx.graph.node('Identity', [x], [out])
  } else {
    const keep = 1 - ctx.attrs.number('dropout_prob', 0.5)
    ctx.graph.node('Mul', [x, ctx.graph.constant(floatTensor([keep], []))], [out])
  }
}

export const castOp: OpMapper = (ctx) => {
  const code = ctx.attrs.number('out_dtype')
  if (!isPaddleDType(code)) throw new ConversionError(`cast: unsupported out_dtype ${code}`)
  ctx.graph.node('Cast', [ctx.input('X')], [ctx.output('Out')], { to: int(dtypeInfo(code).onnx) })
}
