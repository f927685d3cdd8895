/**
 * Cost against work for OCR: an image's latency at concurrency 1 against the number of text
 * lines it returned, with a least-squares line ms = a + b × lines (a ≈ the fixed cost of
 * decode + detection, b ≈ what each recognised line adds).
 */
import { formatTable, ms } from './table.js'

export interface ImageCost {
  readonly image: string
  readonly lines: number
  /** Mean latency of this image's requests, ms. */
  readonly ms: number
  readonly requests: number
}

export interface LineFit {
  readonly a: number
  readonly b: number
  /** Share of the latency variance the line explains. */
  readonly r2: number
}

export function fitLines(costs: readonly ImageCost[]): LineFit {
  const n = costs.length
  const mx = costs.reduce((s, c) => s + c.lines, 0) / n
  const my = costs.reduce((s, c) => s + c.ms, 0) / n
  const sxx = costs.reduce((s, c) => s + (c.lines - mx) ** 2, 0)
  const sxy = costs.reduce((s, c) => s + (c.lines - mx) * (c.ms - my), 0)
  const syy = costs.reduce((s, c) => s + (c.ms - my) ** 2, 0)
  const b = sxx > 0 ? sxy / sxx : 0
  return { a: my - b * mx, b, r2: sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : 0 }
}

/** Collects per-image latencies and line counts from OCR answers (`{"results": [[line, ...]]}`). */
export class LineCostCollector {
  readonly #byImage = new Map<string, { lines: number; ms: number[] }>()

  add(image: string, body: string, latencyMs: number): void {
    const lines = (JSON.parse(body) as { results: unknown[][] }).results[0]?.length ?? 0
    const entry = this.#byImage.get(image) ?? { lines, ms: [] }
    entry.ms.push(latencyMs)
    this.#byImage.set(image, entry)
  }

  costs(): ImageCost[] {
    return [...this.#byImage]
      .map(([image, { lines, ms }]) => ({ image, lines, ms: ms.reduce((a, b) => a + b, 0) / ms.length, requests: ms.length }))
      .sort((x, y) => x.lines - y.lines || x.ms - y.ms)
  }
}

export function formatLineCost(costs: readonly ImageCost[], fit: LineFit): string {
  const rows = costs.map((c) => [c.image, String(c.lines), ms(c.ms), ms(fit.a + fit.b * c.lines)])
  return [
    formatTable(['image', 'lines', 'c=1 ms', 'fit ms'], rows),
    `least squares: ms = ${ms(fit.a)} + ${ms(fit.b)} × lines  (R² ${fit.r2.toFixed(2)}, ${costs.length} images)`,
  ].join('\n')
}
