/** Every protocol adapter the server speaks besides its native routes, one line each. */
import { paddleHubProtocol } from './paddlehub.js'
import { paddleServingProtocol } from './paddle-serving.js'
import { kserveProtocol } from './kserve/kserve-protocol.js'
import { paddlexProtocol } from './paddlex/paddlex-adapter.js'
import type { ProtocolAdapter } from './protocol.js'

export const PROTOCOLS: readonly ProtocolAdapter[] = [
  paddleServingProtocol,
  paddleHubProtocol,
  paddlexProtocol,
  kserveProtocol,
]
