/** Element-wise activations: relu, sigmoid, leaky_relu, hard_sigmoid, hard_swish, swish. */
import { float } from '../onnx/graph-builder.js'
import { floatTensor } from '../onnx/const-tensor.js'
import type { OpMapper } from './mapper.js'

export const relu: OpMapper = (ctx) => {
  ctx.graph.node('Relu', [ctx.input('X')], [ctx.output('Out')])
}

export const sigmoid: OpMapper = (ctx) => {
  ctx.graph.node('Sigmoid', [ctx.input('X')], [ctx.output('Out')])
}

export const leakyRelu: OpMapper = (ctx) => {
  ctx.graph.node('LeakyRelu', [ctx.input('X')], [ctx.output('Out')], { alpha: float(ctx.attrs.number('alpha', 0.02)) })
}

/** Paddle: clip(slope·x + offset, 0, 1), the same formula as ONNX HardSigmoid. */
export const hardSigmoid: OpMapper = (ctx) => {
  const alpha = float(ctx.attrs.number('slope', 0.2))
  const beta = float(ctx.attrs.number('offset', 0.5))
  ctx.graph.node('HardSigmoid', [ctx.input('X')], [ctx.output('Out')], { alpha, beta })
}

/**
 * Paddle: x · clip(x + offset, 0, threshold) / scale. With threshold = scale that is
 * x · HardSigmoid(x; 1/scale, offset/scale), a single HardSwish node for the defaults (6, 6, 3)
 * from opset 14 on.
 */
export const hardSwish: OpMapper = (ctx) => {
  const { graph } = ctx
  const threshold = ctx.attrs.number('threshold', 6)
  const scale = ctx.attrs.number('scale', 6)
  const offset = ctx.attrs.number('offset', 3)
  const x = ctx.input('X')
  const out = ctx.output('Out')
  if (threshold === 6 && scale === 6 && offset === 3 && graph.opset >= 14) {
    graph.node('HardSwish', [x], [out])
  } else if (threshold === scale) {
    const gate = graph.op('HardSigmoid', [x], { alpha: float(1 / scale), beta: float(offset / scale) })
    graph.node('Mul', [x, gate], [out])
  } else {
    const shifted = graph.op('Add', [x, graph.constant(floatTensor([offset], []))])
    const clipped = graph.op('Clip', [shifted, graph.constant(floatTensor([0], [])), graph.constant(floatTensor([threshold], []))])
    const product = graph.op('Mul', [x, clipped])
    graph.node('Div', [product, graph.constant(floatTensor([scale], []))], [out])
  }
}

/** Paddle: x · sigmoid(beta · x). */
export const swish: OpMapper = (ctx) => {
  const { graph } = ctx
  const beta = ctx.attrs.number('beta', 1)
  const x = ctx.input('X')
  const scaled = beta === 1 ? x : graph.op('Mul', [x, graph.constant(floatTensor([beta], []))])
  graph.node('Mul', [x, graph.op('Sigmoid', [scaled])], [ctx.output('Out')])
}
