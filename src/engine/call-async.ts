/** Calls fn so that a synchronous throw becomes a rejection and both reach the caller one way. */
export async function callAsync<T>(fn: () => T | Promise<T>): Promise<T> {
  return fn()
}
