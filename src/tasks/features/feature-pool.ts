/**
 * Pooling of a 4-D feature map `[N, C, H, W]` into one vector per image: average or generalised
 * mean (GeM, `(mean x^p)^(1/p)` over positions, x clamped at a small positive floor as in
 * Radenović et al.), over `bands` horizontal strips of the map. Strips keep coarse layout (a
 * label's top vs its bottom) that one global pool throws away.
 */

export interface PoolSpec {
  readonly type: 'avg' | 'gem'
  /** GeM exponent (ignored for avg); 1 is the average of the clamped map, large p tends to max. */
  readonly p: number
  /** Horizontal strips, pooled separately and concatenated: band-major, `out[b * C + c]`. */
  readonly bands: number
}

/** GeM's floor: the map is clamped to it so the power of a negative activation is defined. */
export const GEM_EPSILON = 1e-6

/**
 * Row ranges `[start, end)` of each strip: strip b starts at `floor(b·H/bands)`; a map shorter
 * than `bands` rows gives some strips one shared row rather than none.
 */
export function bandRows(height: number, bands: number): Array<readonly [number, number]> {
  if (!Number.isInteger(height) || height < 1) throw new RangeError(`bandRows: height must be a positive integer, got ${height}`)
  if (!Number.isInteger(bands) || bands < 1) throw new RangeError(`bandRows: bands must be a positive integer, got ${bands}`)
  return Array.from({ length: bands }, (_, b) => {
    const start = Math.min(Math.floor((b * height) / bands), height - 1)
    const end = Math.max(start + 1, Math.floor(((b + 1) * height) / bands))
    return [start, end] as const
  })
}

/** Output length of a pooled `[C, H, W]` map. */
export const pooledDim = (channels: number, spec: PoolSpec): number => channels * spec.bands

/**
 * Pools one image's map: `map` holds `C·H·W` values (channel-major, as ONNX lays out NCHW), the
 * result `C · bands` values.
 */
export function poolMap(map: Float32Array, channels: number, height: number, width: number, spec: PoolSpec): Float32Array {
  if (map.length !== channels * height * width) {
    throw new RangeError(`poolMap: ${map.length} values do not make a ${channels}×${height}×${width} map`)
  }
  const out = new Float32Array(pooledDim(channels, spec))
  const gem = spec.type === 'gem'
  const p = spec.p
  const cube = gem && p === 3
  for (const [b, [start, end]] of bandRows(height, spec.bands).entries()) {
    const count = (end - start) * width
    for (let c = 0; c < channels; c++) {
      const from = (c * height + start) * width
      const to = from + count
      let sum = 0
      if (!gem) {
        for (let i = from; i < to; i++) sum += map[i]!
      } else if (cube) {
        for (let i = from; i < to; i++) {
          const x = map[i]! > GEM_EPSILON ? map[i]! : GEM_EPSILON
          sum += x * x * x
        }
      } else {
        for (let i = from; i < to; i++) sum += Math.pow(map[i]! > GEM_EPSILON ? map[i]! : GEM_EPSILON, p)
      }
      const mean = sum / count
      out[b * channels + c] = gem ? Math.pow(mean, 1 / p) : mean
    }
  }
  return out
}
