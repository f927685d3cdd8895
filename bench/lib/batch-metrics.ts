/**
 * Mean model batch size per op over a phase, from the server's own `GET /metrics`: the histogram
 * `ppserve_op_batch_size` (items per process() call, label `op`) scraped before and after, so the
 * batches of earlier phases do not count.
 */
import { getMetricsFromIterator, type PromHistogramData } from 'prom2javascript'

const BATCH_SIZE_METRIC = 'ppserve_op_batch_size'

/** Per op: items and calls so far. */
export type BatchTotals = ReadonlyMap<string, { readonly sum: number; readonly count: number }>

export async function scrapeBatchTotals(url: string): Promise<BatchTotals> {
  const response = await fetch(`${url}/metrics`)
  const text = await response.text()
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}: ${text.slice(0, 200)}`)
  // Only this family goes to the parser: it rejects some values prom-client writes elsewhere
  // (`Nan` for the event-loop lag of a fresh process).
  const family = text.split('\n').filter((line) => line.replace(/^# (HELP|TYPE) /, '').startsWith(BATCH_SIZE_METRIC))
  const metrics = await getMetricsFromIterator(family[Symbol.iterator]())
  const histogram = metrics[BATCH_SIZE_METRIC]
  if (histogram?.type !== 'histogram') throw new Error(`GET /metrics has no histogram ${BATCH_SIZE_METRIC}: is metrics.enabled off?`)
  const totals = new Map<string, { sum: number; count: number }>()
  for (const series of histogram.data as PromHistogramData[]) {
    const op = series.labels.op
    if (op !== undefined) totals.set(op, { sum: series.sum ?? 0, count: series.count })
  }
  return totals
}

/** Mean items per call of every op that ran between the two scrapes. */
export function meanBatchSizes(before: BatchTotals, after: BatchTotals): Record<string, number> {
  const means: Record<string, number> = {}
  for (const [op, { sum, count }] of after) {
    const calls = count - (before.get(op)?.count ?? 0)
    if (calls > 0) means[op] = (sum - (before.get(op)?.sum ?? 0)) / calls
  }
  return means
}

/** `det 1.0, cls 5.3, rec 5.8`; an op's model suffix (`classify:googlenet_v1`) is dropped. */
export function formatBatchSizes(means: Record<string, number>): string {
  const parts = Object.entries(means).map(([op, mean]) => `${op.split(':')[0]} ${mean.toFixed(1)}`)
  return parts.length === 0 ? '-' : parts.join(', ')
}
