/** fill_constant becomes an initializer (so later shape arithmetic on it folds away in onnxruntime). */
import { ConversionError } from '../errors.js'
import { numericTensor } from '../onnx/const-tensor.js'
import { dtypeInfo, isPaddleDType } from '../paddle/dtype.js'
import type { OpMapper } from './mapper.js'

function parseValue(text: string): number {
  const lowered = text.trim().toLowerCase()
  if (lowered === 'inf' || lowered === '+inf') return Infinity
  if (lowered === '-inf') return -Infinity
  if (lowered === 'nan') return NaN
  return Number(text)
}

export const fillConstant: OpMapper = (ctx) => {
  const { attrs } = ctx
  for (const slot of ['ValueTensor', 'ShapeTensor', 'ShapeTensorList']) {
    if (ctx.hasInput(slot)) throw new ConversionError(`fill_constant: a ${slot} input is not supported`)
  }
  const code = attrs.number('dtype', 5)
  if (!isPaddleDType(code)) throw new ConversionError(`fill_constant: unsupported dtype ${code}`)
  const shape = attrs.numbers('shape', [])
  // str_value keeps the exact literal (float attributes are only single precision).
  const text = attrs.string('str_value', '')
  const value = text !== '' ? parseValue(text) : attrs.number('value', 0)
  const count = shape.reduce((a, b) => a * b, 1)
  ctx.graph.initializer(ctx.output('Out'), numericTensor(dtypeInfo(code).onnx, Array<number>(count).fill(value), shape))
}
