/**
 * A ModelSession whose model runs on a KServe v2 server (Triton, or another ppserve): ops,
 * pre- and postprocessing stay here, only the model call crosses the network.
 *
 * It never hangs and never crashes the server when the remote is down: a connection failure or
 * a call without answer within timeout_ms marks it 'unreachable' (the registry reports that in
 * /readyz and answers 503 before any work), and from then on calls fail at once. Recovery needs
 * no restart: while unreachable, asking for its health starts a probe at most every 2 s (no
 * background timer), and the first probe that gets an answer makes it ready again. A remote that
 * is down at start-up is unreachable the same way, with the manifest standing in for the model's
 * metadata until the first probe fetches it and checks the contract.
 */
import type { RemoteModelConfig } from '../config/remote-models.js'
import type { BatchCall } from '../engine/batch-call.js'
import { DeadlineExceeded, InferenceError, ModelNotReady, ServingError } from '../engine/errors.js'
import { ConcurrencyLimit } from '../util/concurrency-limit.js'
import { log } from '../util/log.js'
import { decodeInferResponse, encodeInferRequest, modelTensorsOf } from './kserve-v2-codec.js'
import { contractMismatches } from './model-contract.js'
import type { ModelPackage } from './model-package.js'
import { callRemote, RemoteCallFailure, remoteErrorMessage, type RemoteAnswer } from './remote-call.js'
import type { ModelSession, TensorInfo } from './session.js'
import type { Tensor } from './tensor.js'

export type RemoteHealthState = 'ready' | 'unreachable' | 'failed'

export interface RemoteHealth {
  readonly state: RemoteHealthState
  readonly message?: string
}

export interface RemoteSession extends ModelSession {
  /** The remote's state as last seen; while not ready, also starts a probe when one is due. */
  health(): RemoteHealth
}

/** Least time between two probes of an unreachable remote. */
export const PROBE_INTERVAL_MS = 2_000
const PROBE_TIMEOUT_MS = 2_000

interface ModelTensors {
  readonly inputs: readonly TensorInfo[]
  readonly outputs: readonly TensorInfo[]
}

/** Opens the session: fetches the model's metadata now, or leaves it unreachable to retry later. */
export async function openRemoteSession(pkg: ModelPackage, config: RemoteModelConfig): Promise<RemoteSession> {
  const session = new KServeRemoteSession(pkg, config)
  await session.connect()
  return session
}

class KServeRemoteSession implements RemoteSession {
  readonly #pkg: ModelPackage
  readonly #config: RemoteModelConfig
  /** `{url}/v2/models/{model}` */
  readonly #modelUrl: string
  /** Names the model and where it runs, at the start of every message. */
  readonly #label: string
  readonly #slots: ConcurrencyLimit
  readonly #closing = new AbortController()
  /** From the remote's metadata; undefined until it answered once. */
  #tensors: ModelTensors | undefined
  /** The server speaks the binary tensor extension (its metadata lists `binary_tensor_data`). */
  #binary = false
  #health: RemoteHealth = { state: 'unreachable', message: 'not contacted yet' }
  #lastProbeAt = 0
  #probing: Promise<void> | undefined

  constructor(pkg: ModelPackage, config: RemoteModelConfig) {
    const model = config.model ?? pkg.name
    this.#pkg = pkg
    this.#config = config
    this.#modelUrl = `${config.url}/v2/models/${encodeURIComponent(model)}`
    this.#label = model === pkg.name ? `remote model ${model} at ${config.url}` : `model ${pkg.name}: remote model ${model} at ${config.url}`
    this.#slots = new ConcurrencyLimit(config.max_in_flight)
  }

  // Until the remote answers, the manifest's own tensors stand in: the contract holds trivially.
  get inputs(): readonly TensorInfo[] {
    return this.#tensors?.inputs ?? this.#pkg.manifest.feeds.map(({ name, dtype, shape }) => ({ name, dtype, shape }))
  }

  get outputs(): readonly TensorInfo[] {
    return this.#tensors?.outputs ?? this.#pkg.manifest.fetches.map(({ name, dtype, shape }) => ({ name, dtype, shape }))
  }

  health(): RemoteHealth {
    if (this.#health.state !== 'ready') this.#probeIfDue()
    return this.#health
  }

  /** First contact, at load. Unreachable is a state; a malformed answer fails the load. */
  async connect(): Promise<void> {
    this.#lastProbeAt = performance.now()
    try {
      await this.#fetchMetadata(this.#signal(PROBE_TIMEOUT_MS))
      this.#setHealth({ state: 'ready' })
    } catch (error) {
      if (!(error instanceof ModelNotReady)) throw error
      this.#setHealth({ state: 'unreachable', message: error.message })
    }
  }

  async run(feeds: Readonly<Record<string, Tensor>>, call?: BatchCall): Promise<Record<string, Tensor>> {
    if (this.#closing.signal.aborted) throw new InferenceError(`${this.#label}: session is closed`)
    const health = this.health()
    if (health.state !== 'ready') throw new ModelNotReady(health.message ?? `${this.#label} is ${health.state}`)
    // The call may not outlive the batch's requests: min(timeout_ms, the latest request deadline).
    const now = performance.now()
    const deadline = call?.deadlineAt
    const cutByRequestDeadline = deadline !== undefined && deadline - now < this.#config.timeout_ms
    const budgetMs = cutByRequestDeadline ? deadline - now : this.#config.timeout_ms
    const signal = this.#signal(budgetMs)
    let release: () => void
    try {
      release = await this.#slots.acquire(signal)
      call?.waited(performance.now() - now)
    } catch {
      // Waiting for a slot is not the remote failing to answer: no state change.
      throw this.#timeoutError(cutByRequestDeadline, 'waiting for one of its max_in_flight slots')
    }
    try {
      return await this.#inferWithRetries(feeds, signal, now + budgetMs)
    } catch (error) {
      if (!(error instanceof RemoteCallFailure)) throw error
      if (error.kind === 'aborted') throw new InferenceError(`${this.#label}: session closed during the call`)
      if (error.kind === 'timeout' && cutByRequestDeadline) throw this.#timeoutError(true, 'during the call')
      const failure = error.kind === 'timeout' ? this.#timeoutError(false, 'during the call') : new ModelNotReady(`${this.#label}: ${error.message}`)
      this.#setHealth({ state: 'unreachable', message: failure.message })
      throw failure
    } finally {
      release()
    }
  }

  async close(): Promise<void> {
    this.#closing.abort(new Error('session closed'))
  }

  async #inferWithRetries(feeds: Readonly<Record<string, Tensor>>, signal: AbortSignal, endsAt: number): Promise<Record<string, Tensor>> {
    const tensors = this.#tensors!
    const request = encodeInferRequest(feeds, tensors.inputs, tensors.outputs, this.#binary)
    for (let attempt = 0; ; attempt++) {
      // The remote's own deadline (ppserve reads X-Deadline-Ms; others ignore it): it gives up
      // when this side would, instead of computing an answer nobody waits for.
      const headers = { ...request.headers, 'x-deadline-ms': String(Math.max(1, Math.ceil(endsAt - performance.now()))) }
      let answer: RemoteAnswer
      try {
        answer = await callRemote(`${this.#modelUrl}/infer`, { method: 'POST', headers, body: request.body }, signal)
      } catch (error) {
        // Inference has no side effects, so a call cut off at the connection may be sent again.
        const retry = error instanceof RemoteCallFailure && error.kind === 'connection' && attempt < this.#config.retries
        if (retry) continue
        throw error
      }
      if (answer.status !== 200) throw this.#httpError('infer', answer)
      const headerLength = answer.headers.get('inference-header-content-length')
      const outputs = decodeInferResponse(answer.body, headerLength === null ? undefined : Number(headerLength), this.#label)
      // An answer proves the remote is back, even while a probe is pending.
      if (this.#health.state === 'unreachable') this.#setHealth({ state: 'ready' })
      return outputs
    }
  }

  #probeIfDue(): void {
    const now = performance.now()
    if (this.#probing || this.#closing.signal.aborted || now - this.#lastProbeAt < PROBE_INTERVAL_MS) return
    this.#lastProbeAt = now
    this.#probing = this.#probe().finally(() => (this.#probing = undefined))
  }

  async #probe(): Promise<void> {
    const signal = this.#signal(Math.min(this.#config.timeout_ms, PROBE_TIMEOUT_MS))
    try {
      if (this.#tensors === undefined) {
        await this.#fetchMetadata(signal)
      } else {
        const answer = await this.#get(`${this.#modelUrl}/ready`, signal)
        if (answer.status !== 200) throw this.#httpError('ready', answer)
      }
      this.#setHealth({ state: 'ready' })
    } catch (error) {
      if (this.#closing.signal.aborted) return
      const failed = !(error instanceof ModelNotReady)
      this.#setHealth({ state: failed ? 'failed' : 'unreachable', message: (error as Error).message })
    }
  }

  /** Metadata (and whether binary tensors may be sent); throws ModelNotReady when it gets none. */
  async #fetchMetadata(signal: AbortSignal): Promise<void> {
    const answer = await this.#get(this.#modelUrl, signal)
    if (answer.status !== 200) throw this.#httpError('metadata', answer)
    const tensors = modelTensorsOf(parseJson(answer.body, `${this.#label}: metadata`), `${this.#label}: metadata`)
    // Checked here for a probe's first metadata; at load Model.attach checks it again, harmlessly.
    const mismatches = contractMismatches(this.#pkg.manifest, tensors)
    if (mismatches.length > 0) throw new InferenceError(`${this.#label}: manifest ${this.#pkg.dir}/manifest.yml does not match the remote model: ${mismatches.join('; ')}`)
    this.#binary = await this.#speaksBinaryTensors(signal)
    this.#tensors = tensors
  }

  async #speaksBinaryTensors(signal: AbortSignal): Promise<boolean> {
    const answer = await this.#get(`${this.#config.url}/v2`, signal)
    if (answer.status !== 200) return false
    try {
      const { extensions } = JSON.parse(new TextDecoder().decode(answer.body)) as { extensions?: unknown }
      return Array.isArray(extensions) && extensions.includes('binary_tensor_data')
    } catch {
      return false
    }
  }

  async #get(url: string, signal: AbortSignal): Promise<RemoteAnswer> {
    try {
      return await callRemote(url, { method: 'GET' }, signal)
    } catch (error) {
      if (!(error instanceof RemoteCallFailure)) throw error
      throw new ModelNotReady(`${this.#label}: ${error.message}`)
    }
  }

  /**
   * A metadata or ready call that fails leaves the model unreachable (retried by probes). An
   * infer answered 503 (the remote's model not ready, or overloaded) or 404 (not loaded there)
   * is a 503 here too, 504 (its deadline passed) a 504; other statuses are the remote's error
   * for this input.
   */
  #httpError(call: 'infer' | 'metadata' | 'ready', answer: RemoteAnswer): ServingError {
    const message = `${this.#label}: ${call} answered ${answer.status}: ${remoteErrorMessage(answer.body)}`
    if (call === 'infer' && answer.status === 504) return new DeadlineExceeded(message)
    const notReady = call !== 'infer' || answer.status === 503 || answer.status === 404
    return notReady ? new ModelNotReady(message) : new InferenceError(message)
  }

  #timeoutError(byRequestDeadline: boolean, when: string): ServingError {
    return byRequestDeadline
      ? new DeadlineExceeded(`${this.#label}: the request's deadline passed ${when}`)
      : new ModelNotReady(`${this.#label}: no answer within timeout_ms ${this.#config.timeout_ms} (${when})`)
  }

  /** Aborts after `ms`, or when the session closes. */
  #signal(ms: number): AbortSignal {
    return AbortSignal.any([this.#closing.signal, AbortSignal.timeout(Math.max(1, Math.ceil(ms)))])
  }

  #setHealth(health: RemoteHealth): void {
    const changed = health.state !== this.#health.state
    this.#health = health
    if (!changed) return
    if (health.state === 'ready') log.info(`${this.#label} is ready`)
    else log.warn(health.message ?? `${this.#label} is ${health.state}`)
  }
}

function parseJson(body: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body))
  } catch (error) {
    throw new InferenceError(`${what} is not JSON: ${(error as Error).message}`)
  }
}
