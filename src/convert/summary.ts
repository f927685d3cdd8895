/** The human-readable conversion summary printed on stderr: op histogram, parameters, output. */
import type { ConvertedModel } from './convert-program.js'

export function opHistogram(counts: ReadonlyMap<string, number>): string {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([type, count]) => `${type} ×${count}`)
    .join(', ')
}

export function summaryLines(converted: ConvertedModel, output: string, paramSource: string): string[] {
  const total = [...converted.opCounts.values()].reduce((a, b) => a + b, 0)
  const io = (list: ConvertedModel['feeds']) => list.map((t) => `${t.name} ${t.dtype}[${t.dims.join(',')}]`).join(', ')
  return [
    `ops (${total}): ${opHistogram(converted.opCounts)}`,
    `parameters: ${converted.paramCount} tensors, ${converted.paramElements.toLocaleString('en-US')} values (${paramSource})`,
    `inputs: ${io(converted.feeds)}`,
    `outputs: ${io(converted.fetches)}`,
    `ONNX: ${converted.nodeCount} nodes, opset ${converted.opset}, ${(converted.onnx.byteLength / 1e6).toFixed(1)} MB → ${output}`,
  ]
}
