/**
 * Catches SIGINT / SIGTERM for the duration of a pull, so an interrupted pull can remove its
 * staging folder instead of dying with it half-written. The caller decides what happens next
 * (the CLI exits non-zero; serve's start-up re-sends the signal).
 */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const

/** Installs the handlers; returns the function that removes them. */
export function trapSignals(onSignal: (signal: NodeJS.Signals) => void): () => void {
  const installed = SIGNALS.map((signal) => {
    const handler = () => onSignal(signal)
    process.on(signal, handler)
    return [signal, handler] as const
  })
  return () => {
    for (const [signal, handler] of installed) process.off(signal, handler)
  }
}
