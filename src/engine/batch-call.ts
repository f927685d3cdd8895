/**
 * What the engine tells a model runtime about the batch it runs, handed down explicitly
 * (op.process → Model.run → ModelSession.run): an op's process() serves items of several requests
 * and has no request context.
 */
export interface BatchCall {
  /**
   * performance.now() time by which every request of the batch is past its deadline (the latest
   * of them: the call serves all), or undefined when one has none. A remote call uses it as its
   * timeout.
   */
  readonly deadlineAt: number | undefined
  /**
   * The runtime reports time the call spent waiting before the model started: for cores of the
   * CPU budget, for a free instance, for a remote slot. The engine counts it as queued, so a
   * request's model time is the model's, not the load's.
   */
  waited(ms: number): void
}

/** A call outside the engine (tests, the index CLI): no deadline, waits not counted. */
export const STANDALONE_CALL: BatchCall = { deadlineAt: undefined, waited: () => {} }
