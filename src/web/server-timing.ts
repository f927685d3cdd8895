/** The Server-Timing header of an answer, split into its named durations for the latency view. */

export interface TimingPart {
  readonly name: string
  readonly ms: number
}

/** `det-midp;dur=12.3, total;dur=40.1` → [{det-midp, 12.3}, {total, 40.1}] (parts without dur are left out). */
export function parseServerTiming(header: string | null): TimingPart[] {
  if (!header) return []
  const parts: TimingPart[] = []
  for (const metric of header.split(',')) {
    const [name = '', ...params] = metric.split(';').map((p) => p.trim())
    const dur = params.find((p) => p.startsWith('dur='))
    const ms = dur === undefined ? NaN : Number(dur.slice(4))
    if (name && Number.isFinite(ms)) parts.push({ name, ms })
  }
  return parts
}
