/** Every protocol adapter the server speaks besides its native routes, one line each. */
import type { ProtocolAdapter } from './protocol.js'

export const PROTOCOLS: readonly ProtocolAdapter[] = []
