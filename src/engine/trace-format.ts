/** Renders a tracer snapshot as one log line per op and per service. */
import type { TracerSnapshot } from './tracer.js'

export function formatSnapshot(snapshot: TracerSnapshot): string[] {
  const lines: string[] = []
  for (const [name, op] of Object.entries(snapshot.ops)) {
    lines.push(
      `op=${name} count=${op.count} in=${ms(op.in)} prep=${ms(op.prep)} midp=${ms(op.midp)} ` +
        `postp=${ms(op.postp)} out=${ms(op.out)} idle=${op.idle.toFixed(3)}`,
    )
  }
  for (const [name, service] of Object.entries(snapshot.services)) {
    const { latency } = service
    lines.push(
      `service=${name} count=${service.count} qps=${service.qps.toFixed(2)} ` +
        `success=${service.successRatio.toFixed(3)} mean=${ms(latency.mean)} p50=${ms(latency.p50)} ` +
        `p90=${ms(latency.p90)} p95=${ms(latency.p95)} p99=${ms(latency.p99)}`,
    )
  }
  return lines
}

function ms(value: number): string {
  return `${value.toFixed(2)}ms`
}
