/**
 * The latency of one answer: measured in the browser, the server's total, and its Server-Timing
 * parts grouped by op (`det-prep`, `det-midp` → det: prep · midp), in the order the server sent.
 */
import { formatMs, h } from './dom.js'
import type { TimingPart } from './server-timing.js'

const STAGE_HELP =
  'Server-Timing per op: in = queued (for a batch, cores or an instance), prep = preprocessing, midp = in the model, postp = postprocessing, out = back to the request'

function byOp(parts: readonly TimingPart[]): Map<string, TimingPart[]> {
  const ops = new Map<string, TimingPart[]>()
  for (const part of parts) {
    const cut = part.name.lastIndexOf('-')
    const op = cut > 0 ? part.name.slice(0, cut) : part.name
    const stage = cut > 0 ? part.name.slice(cut + 1) : ''
    ops.set(op, [...(ops.get(op) ?? []), { name: stage, ms: part.ms }])
  }
  return ops
}

export function renderTiming(title: string, clientMs: number, timing: readonly TimingPart[]): HTMLElement[] {
  const total = timing.find((t) => t.name === 'total')
  const chips = [...byOp(timing.filter((t) => t !== total))].map(([op, stages]) =>
    h(
      'span',
      { class: 'chip', 'data-op': op },
      h('b', {}, op),
      ` ${formatMs(stages.reduce((sum, s) => sum + s.ms, 0))} `,
      h('small', {}, stages.map((s) => `${s.name ? `${s.name} ` : ''}${formatMs(s.ms)}`).join(' · ')),
    ),
  )
  return [
    h('span', { class: 'latency' }, `${title} · ${formatMs(clientMs)} in the browser`, total ? ` · ${formatMs(total.ms)} in the server` : ''),
    h('div', { class: 'timings', title: STAGE_HELP }, ...chips),
  ]
}
