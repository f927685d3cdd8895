/** How far OpenCV's outputs are from ours: numbers value by value, contours point list by list. */

export interface Exactness {
  /** What `compared` counts: pixel values, floats, or whole contours. */
  readonly unit: string
  compared: number
  differing: number
  maxAbsDiff: number
  /** Contours only: the two lists agree once both are in a canonical order, but not as returned. */
  orderDiffers?: boolean
  /** Outputs whose shape (length, count) already differs: not compared value by value. */
  shapeMismatches: number
}

export function emptyExactness(unit: string): Exactness {
  return { unit, compared: 0, differing: 0, maxAbsDiff: 0, shapeMismatches: 0 }
}

/** Adds one output pair of numbers (pixels, corners, scores) to `into`. */
export function compareNumbers(into: Exactness, ours: ArrayLike<number>, theirs: ArrayLike<number>): void {
  if (ours.length !== theirs.length) {
    into.shapeMismatches++
    return
  }
  into.compared += ours.length
  for (let i = 0; i < ours.length; i++) {
    const d = Math.abs(ours[i]! - theirs[i]!)
    if (d !== 0 || Number.isNaN(d)) {
      into.differing++
      if (d > into.maxAbsDiff) into.maxAbsDiff = d
    }
  }
}

export function compareNumberLists(into: Exactness, ours: ReadonlyArray<ArrayLike<number>>, theirs: ReadonlyArray<ArrayLike<number>>): void {
  if (ours.length !== theirs.length) {
    into.shapeMismatches++
    return
  }
  ours.forEach((o, i) => compareNumbers(into, o, theirs[i]!))
}

type Contour = ReadonlyArray<readonly [number, number]>

const key = (c: Contour): string => c.map(([x, y]) => `${x},${y}`).join(' ')

/**
 * Contours as returned (same order, same point lists); when that fails, again after sorting both
 * lists the same way, to tell an order difference from different borders.
 */
export function compareContours(into: Exactness, ours: readonly Contour[], theirs: readonly Contour[]): void {
  const a = ours.map(key)
  const b = theirs.map(key)
  const count = Math.max(a.length, b.length)
  const asReturned = a.filter((k, i) => k === b[i]).length
  into.compared += count
  if (asReturned === count) return
  const sortedA = [...a].sort()
  const sortedB = [...b].sort()
  const sameSet = sortedA.length === sortedB.length && sortedA.every((k, i) => k === sortedB[i])
  if (sameSet) {
    into.orderDiffers = true
    return
  }
  // Different borders: count the contours of the longer list without an identical partner.
  const pool = new Map<string, number>()
  for (const k of b) pool.set(k, (pool.get(k) ?? 0) + 1)
  let matched = 0
  for (const k of a) {
    const n = pool.get(k) ?? 0
    if (n > 0) {
      pool.set(k, n - 1)
      matched++
    }
  }
  into.differing += count - matched
  if (a.length !== b.length) into.shapeMismatches++
}

export function formatExactness(e: Exactness): { differing: string; maxAbs: string } {
  const pct = e.compared > 0 ? (100 * e.differing) / e.compared : 0
  const differing = `${e.differing}/${e.compared} ${e.unit} (${pct < 0.01 && e.differing > 0 ? pct.toExponential(1) : pct.toFixed(2)} %)`
  const notes = [e.orderDiffers ? 'order differs' : '', e.shapeMismatches > 0 ? `${e.shapeMismatches} size mismatches` : '']
  const suffix = notes.filter(Boolean).join(', ')
  return { differing: suffix ? `${differing}; ${suffix}` : differing, maxAbs: e.unit === 'contours' ? '-' : fmtDiff(e.maxAbsDiff) }
}

function fmtDiff(d: number): string {
  if (d === 0) return '0'
  return Number.isInteger(d) ? String(d) : d.toExponential(2)
}
