/**
 * How many turns the event loop took while `work` ran: a callback re-scheduled with setImmediate
 * counts them. Work that holds the loop (a synchronous native call) lets none through.
 */
export async function turnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0
  let running = true
  const tick = () => {
    turns++
    if (running) setImmediate(tick)
  }
  setImmediate(tick)
  try {
    return { result: await work(), turns }
  } finally {
    running = false
  }
}
