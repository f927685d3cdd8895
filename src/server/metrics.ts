/**
 * Prometheus metrics (`GET /metrics`, README "Metrics") with prom-client: one Registry per
 * Services instance (tests run many servers in one process), fed by
 * - the engine's tracer (its listener events): op stage times, batch sizes, engine requests;
 * - the HTTP middleware (./http-metrics.ts): requests by service, route, protocol and status;
 * - gauges read at scrape time: op queues, model states, gallery sizes, the CPU and memory budgets.
 * Process metrics (memory, CPU, event-loop delay, GC) are prom-client's default metrics, collected
 * once per process in a registry of their own and merged into every scrape: their monitors cannot
 * be stopped, so one set per server would pile up in a process that starts many.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { OpStats } from '../engine/op.js'
import type { Stage, Tracer } from '../engine/tracer.js'
import type { ModelState, ModelStateName } from '../runtime/model-registry.js'
import { registerBudgetMetrics, type BudgetSources } from './budget-metrics.js'

export const METRIC_PREFIX = 'ppserve_'

/** The tracer's stages as the metrics name them (Paddle's in/prep/midp/postp/out). */
export const STAGE_LABELS: Readonly<Record<Stage, string>> = {
  in: 'queue',
  prep: 'preprocess',
  midp: 'model',
  postp: 'postprocess',
  out: 'return',
}

const MODEL_STATES: readonly ModelStateName[] = ['loading', 'ready', 'missing', 'failed', 'unloaded', 'unreachable']

/** Seconds; requests run up to the 30 s default deadline (and beyond, up to max_deadline_ms). */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
const STAGE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
export const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64]

/** Where the scrape-time gauges read from (the composition root wires the engine and the registry). */
export interface MetricSources extends BudgetSources {
  readonly tracer: Tracer
  /** Every registered op's queue now. */
  opStats(): ReadonlyMap<string, OpStats>
  /** Every model package's state now (ModelRegistry.list()). */
  modelStates(): readonly ModelState[]
  /** Items in each gallery opened so far, by name. */
  gallerySizes(): ReadonlyMap<string, number>
}

/** Labels of one HTTP request (./http-metrics.ts decides them). */
export interface HttpRequestLabels {
  readonly service: string
  readonly route: string
  readonly method: string
  readonly protocol: string
  readonly status: number
  readonly outcome: string
}

let processRegistry: Registry | undefined

/** prom-client's default metrics, collected once per process. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry, prefix: METRIC_PREFIX })
  }
  return processRegistry
}

export class ServerMetrics {
  /** This server's own metrics (the process metrics are added at scrape). */
  readonly registry = new Registry()
  readonly #httpRequests: Counter<'service' | 'route' | 'method' | 'protocol' | 'status' | 'outcome'>
  readonly #httpDuration: Histogram<'service' | 'protocol'>
  readonly #httpInFlight: Gauge
  readonly #serviceDuration: Histogram<'service' | 'outcome'>
  readonly #stageDuration: Histogram<'op' | 'stage'>
  readonly #batchSize: Histogram<'op'>
  /** Ops whose batch size histogram has its zero series. */
  readonly #knownOps = new Set<string>()
  readonly #unsubscribe: () => void

  constructor(sources: MetricSources) {
    const registers = [this.registry]
    const name = (suffix: string) => METRIC_PREFIX + suffix
    this.#httpRequests = new Counter({
      name: name('http_requests_total'),
      help: 'HTTP requests answered, by service, route pattern, method, protocol, HTTP status and outcome (ok or the typed error code, also for Paddle protocols that answer errors with HTTP 200).',
      labelNames: ['service', 'route', 'method', 'protocol', 'status', 'outcome'],
      registers,
    })
    this.#httpDuration = new Histogram({
      name: name('http_request_duration_seconds'),
      help: 'Time from receiving an HTTP request to handing over its response, by service and protocol.',
      labelNames: ['service', 'protocol'],
      buckets: REQUEST_BUCKETS,
      registers,
    })
    this.#httpInFlight = new Gauge({
      name: name('http_requests_in_flight'),
      help: 'HTTP requests being handled now (scrapes of /metrics excluded).',
      registers,
    })
    this.#serviceDuration = new Histogram({
      name: name('service_request_duration_seconds'),
      help: 'Engine requests by service (the tracer summary: ocr, classify, recognize, gallery, kserve) and outcome (ok or error), from start to end.',
      labelNames: ['service', 'outcome'],
      buckets: REQUEST_BUCKETS,
      registers,
    })
    this.#stageDuration = new Histogram({
      name: name('op_stage_duration_seconds'),
      help: "Time one request spent in each stage of an op: queue (waiting for a batch), preprocess, model (the process() calls carrying its items), postprocess, return (from its batch's end until the request resumed; Paddle's 'out').",
      labelNames: ['op', 'stage'],
      buckets: STAGE_BUCKETS,
      registers,
    })
    this.#batchSize = new Histogram({
      name: name('op_batch_size'),
      help: 'Items per process() call (model batch) of each op.',
      labelNames: ['op'],
      buckets: BATCH_SIZE_BUCKETS,
      registers,
      // Every registered op has a series from the start, so rate() sees its first batch.
      collect: () => {
        for (const op of sources.opStats().keys()) this.#zeroBatches(op)
      },
    })
    new Gauge({
      name: name('op_queue_depth'),
      help: 'Items waiting in each op queue now.',
      labelNames: ['op'],
      registers,
      collect() {
        this.reset()
        for (const [op, stats] of sources.opStats()) this.set({ op }, stats.queued)
      },
    })
    new Gauge({
      name: name('op_inflight'),
      help: 'process() calls (model batches) running now in each op.',
      labelNames: ['op'],
      registers,
      collect() {
        this.reset()
        for (const [op, stats] of sources.opStats()) this.set({ op }, stats.inflight)
      },
    })
    new Gauge({
      name: name('model_state'),
      help: `Each model package's state: 1 for the current one, 0 for the others (${MODEL_STATES.join(', ')}).`,
      labelNames: ['model', 'state'],
      registers,
      collect() {
        this.reset()
        for (const model of sources.modelStates()) {
          for (const state of MODEL_STATES) this.set({ model: model.name, state }, model.state === state ? 1 : 0)
        }
      },
    })
    new Gauge({
      name: name('gallery_size'),
      help: 'Items in each recognition gallery index opened so far.',
      labelNames: ['index'],
      registers,
      collect() {
        this.reset()
        for (const [index, size] of sources.gallerySizes()) this.set({ index }, size)
      },
    })
    registerBudgetMetrics(registers, name, sources)
    processMetrics()
    this.#unsubscribe = sources.tracer.subscribe({
      stage: (op, stage, ms) => this.#stageDuration.observe({ op, stage: STAGE_LABELS[stage] }, ms / 1000),
      batch: (op, size) => {
        this.#zeroBatches(op)
        this.#batchSize.observe({ op }, size)
      },
      request: (service, ok, ms) => this.#serviceDuration.observe({ service, outcome: ok ? 'ok' : 'error' }, ms / 1000),
    })
  }

  /** The content type of scrape(): Prometheus text format 0.0.4. */
  get contentType(): string {
    return this.registry.contentType
  }

  /** One HTTP request answered (./http-metrics.ts). */
  observeHttp(labels: HttpRequestLabels, seconds: number): void {
    const { service, route, method, protocol, status, outcome } = labels
    this.#httpRequests.inc({ service, route, method, protocol, status: String(status), outcome })
    this.#httpDuration.observe({ service, protocol }, seconds)
  }

  /** Counts a request in the in-flight gauge until the returned function is called. */
  trackInFlight(): () => void {
    this.#httpInFlight.inc()
    return () => this.#httpInFlight.dec()
  }

  /** This server's metrics and the process metrics, in Prometheus text format. */
  scrape(): Promise<string> {
    return Registry.merge([this.registry, processMetrics()]).metrics()
  }

  /** Stops listening to the tracer. */
  close(): void {
    this.#unsubscribe()
  }

  #zeroBatches(op: string): void {
    if (this.#knownOps.has(op)) return
    this.#knownOps.add(op)
    this.#batchSize.zero({ op })
  }
}
