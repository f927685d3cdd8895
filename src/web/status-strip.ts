/**
 * The status strip: /readyz's models and their state, and, when /metrics is served, the inference
 * throughput and mean latency over the last interval (two scrapes of the engine's request
 * histogram, so the page's own polling is not counted). Polls every few seconds while visible.
 */
import { describeError, getJsonAnyStatus, getText, type PageConfig } from './api.js'
import { byId, formatMs, h } from './dom.js'
import { histogramTotals, rateBetween, type HistogramTotals } from './prometheus-text.js'

const POLL_MS = 5000
/** Engine requests of every service (README "Metrics"); /readyz and page requests are not among them. */
const REQUEST_HISTOGRAM = 'ppserve_service_request_duration_seconds'

interface Readiness {
  ready: boolean
  shutting_down: boolean
  models: Array<{ name: string; state: string; message?: string }>
}

const STATE_CLASS: Readonly<Record<string, string>> = { ready: 'ok', loading: 'wait' }

export function setUpStatusStrip(config: PageConfig): void {
  const ready = byId('status-ready', HTMLSpanElement)
  const models = byId('status-models', HTMLSpanElement)
  const load = byId('status-load', HTMLSpanElement)
  let previous: HistogramTotals | undefined

  async function readiness(): Promise<void> {
    try {
      const { body } = await getJsonAnyStatus<Readiness>('readyz')
      const word = body.shutting_down ? 'shutting down' : body.ready ? 'ready' : 'not ready'
      const readyCount = body.models.filter((m) => m.state === 'ready').length
      ready.textContent = `${word} · ${readyCount}/${body.models.length} models`
      ready.className = `chip ${body.ready ? 'ok' : 'bad'}`
      models.replaceChildren(
        ...body.models.map((m) =>
          h('span', { class: `chip model ${STATE_CLASS[m.state] ?? 'bad'}`, title: m.message ?? m.state, 'data-model': m.name, 'data-state': m.state }, `${m.name}: ${m.state}`),
        ),
      )
    } catch (error) {
      ready.textContent = 'unreachable'
      ready.className = 'chip bad'
      ready.title = describeError(error)
      models.replaceChildren()
    }
  }

  async function throughput(): Promise<void> {
    try {
      const now = histogramTotals(await getText('metrics'), REQUEST_HISTOGRAM, performance.now())
      if (previous) {
        const { perSecond, meanMs } = rateBetween(previous, now)
        load.textContent = `${perSecond.toFixed(2)} req/s · ${meanMs === null ? 'idle' : `mean ${formatMs(meanMs)}`} (last ${Math.round((now.at - previous.at) / 1000)} s)`
        load.hidden = false
      }
      previous = now
    } catch (error) {
      load.textContent = `metrics: ${describeError(error)}`
      load.hidden = false
    }
  }

  async function poll(): Promise<void> {
    if (document.hidden) return
    await Promise.all([readiness(), config.metrics ? throughput() : undefined])
  }

  void poll()
  setInterval(() => void poll(), POLL_MS)
  // Back from a hidden tab: show the state at once (the rate then spans the hidden time).
  document.addEventListener('visibilitychange', () => void poll())
}
