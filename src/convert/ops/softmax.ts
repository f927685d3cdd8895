/** softmax over `axis` (default -1); opset 13's Softmax normalises along exactly one axis, like Paddle. */
import { int } from '../onnx/graph-builder.js'
import type { OpMapper } from './mapper.js'

export const softmax: OpMapper = (ctx) => {
  ctx.graph.node('Softmax', [ctx.input('X')], [ctx.output('Out')], { axis: int(ctx.attrs.number('axis', -1)) })
}
