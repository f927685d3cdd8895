/** Tensors travel through the pipeline as a flat Float32Array plus its shape (row-major). */
export interface Tensor {
  readonly data: Float32Array
  readonly dims: readonly number[]
}

export function elementCount(dims: readonly number[]): number {
  let n = 1
  for (const d of dims) n *= d
  return n
}

export function createTensor(dims: readonly number[], data?: Float32Array): Tensor {
  const size = elementCount(dims)
  if (data && data.length !== size) {
    throw new RangeError(`tensor data has ${data.length} values, shape [${dims.join(',')}] needs ${size}`)
  }
  return { data: data ?? new Float32Array(size), dims: [...dims] }
}

/** Stacks equally shaped items into one batch tensor `[n, ...itemDims]`. */
export function stackBatch(items: readonly Float32Array[], itemDims: readonly number[]): Tensor {
  const itemSize = elementCount(itemDims)
  // A batch of one needs no copy (the common case for large detection inputs).
  if (items.length === 1 && items[0]!.length === itemSize) return { data: items[0]!, dims: [1, ...itemDims] }
  const data = new Float32Array(items.length * itemSize)
  items.forEach((item, i) => {
    if (item.length !== itemSize) throw new RangeError(`batch item ${i} has ${item.length} values, expected ${itemSize}`)
    data.set(item, i * itemSize)
  })
  return { data, dims: [items.length, ...itemDims] }
}

/** Views of each item of a batch tensor `[n, ...]` (no copies). */
export function splitBatch(tensor: Tensor): Float32Array[] {
  const [n = 0] = tensor.dims
  const itemSize = n > 0 ? tensor.data.length / n : 0
  return Array.from({ length: n }, (_, i) => tensor.data.subarray(i * itemSize, (i + 1) * itemSize))
}
