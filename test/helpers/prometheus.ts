/**
 * Scrapes a server's /metrics and reads it with a Prometheus text format parser (prom2javascript:
 * it reads labelled histograms, checks each one's count against its +Inf bucket, and throws on a
 * line that is not a comment, a HELP/TYPE line or a sample).
 */
import assert from 'node:assert/strict'
import { getMetricsFromIterator, type PromData, type PromHistogramData } from 'prom2javascript'

export type Labels = Record<string, string>

export interface Series {
  readonly labels: Labels
  readonly value: number
}

export interface HistogramSeries {
  readonly labels: Labels
  readonly count: number
  readonly sum: number
  /** Cumulative counts by upper bound, `+Inf` included. */
  readonly buckets: Record<string, number>
}

export interface Family {
  readonly name: string
  /** As written in its TYPE line: counter, gauge, histogram, summary, unknown. */
  readonly type: string
  readonly help: string
  readonly series: Series[]
  readonly histograms: HistogramSeries[]
}

/**
 * The parser's number grammar lacks NaN, which the format allows (Prometheus reads it with Go's
 * ParseFloat, in any case; prom-client writes `Nan` for an event-loop delay gauge that has had no
 * sample since the last scrape): such values are swapped for this number before parsing and back.
 */
const NAN_STAND_IN = -1.2345e-300
const NAN_SAMPLE = /^([^#].*\s)nan(\s+-?\d+)?\s*$/i

/** Every metric family of a text-format exposition, by name; rejects text that does not parse. */
export async function parseMetrics(text: string): Promise<Map<string, Family>> {
  const lines = text.split('\n').map((line) => line.replace(NAN_SAMPLE, (_, head: string, time = '') => `${head}${NAN_STAND_IN}${time}`))
  const parsed = await getMetricsFromIterator(lines[Symbol.iterator]())
  const families = new Map<string, Family>()
  for (const [name, metric] of Object.entries(parsed)) {
    const histogram = metric.type === 'histogram'
    const series = histogram ? [] : (metric.data as PromData[]).map(({ labels, value }) => ({ labels, value: value === NAN_STAND_IN ? NaN : value }))
    const histograms = histogram
      ? (metric.data as PromHistogramData[]).map(({ labels, count, sum, buckets }) => ({ labels, count, sum: sum ?? NaN, buckets }))
      : []
    families.set(name, { name, type: metric.type, help: metric.help, series, histograms })
  }
  return families
}

export async function scrapeMetrics(url: string): Promise<{ response: Response; families: Map<string, Family> }> {
  const response = await fetch(`${url}/metrics`)
  assert.equal(response.status, 200)
  return { response, families: await parseMetrics(await response.text()) }
}

export function family(families: Map<string, Family>, name: string, type: string): Family {
  const found = families.get(name)
  assert.ok(found, `no metric family ${name} in the scrape (families: ${[...families.keys()].join(', ')})`)
  assert.equal(found.type, type, `${name} is a ${found.type}`)
  return found
}

const matches = (labels: Labels, wanted: Labels) => Object.entries(wanted).every(([key, value]) => labels[key] === value)

/** Sum of the series whose labels include `wanted`. */
export function sumOf(found: Family, wanted: Labels = {}): number {
  return found.series.filter((s) => matches(s.labels, wanted)).reduce((total, s) => total + s.value, 0)
}

/** The one histogram series whose labels include `wanted`. */
export function histogramOf(found: Family, wanted: Labels): HistogramSeries {
  const hits = found.histograms.filter((h) => matches(h.labels, wanted))
  assert.equal(hits.length, 1, `${found.name}: ${hits.length} series match ${JSON.stringify(wanted)}`)
  return hits[0]!
}

/** Totals of the series grouped by one label, e.g. by status: `{ "200": 5, "400": 4 }`. */
export function totalsBy(found: Family, label: string): Record<string, number> {
  const totals: Record<string, number> = {}
  for (const s of found.series) {
    const key = s.labels[label] ?? ''
    totals[key] = (totals[key] ?? 0) + s.value
  }
  return totals
}
