/** Starts the real HTTP server on a free loopback port for a test file. */
import type { ServingConfig } from '../../src/config/schema.js'
import type { SessionFactory } from '../../src/runtime/model-registry.js'
import { startHttpServer } from '../../src/server/http-server.js'
import type { Services } from '../../src/server/services.js'
import { testServices, type DeepPartial } from './services.js'

export interface TestServer {
  readonly url: string
  readonly services: Services
  close(): Promise<void>
}

export async function startTestServer(
  overrides: DeepPartial<ServingConfig> = {},
  options: { sessionFactory?: SessionFactory } = {},
): Promise<TestServer> {
  const services = await testServices(overrides, options)
  const server = await startHttpServer(services)
  return { url: server.url, services, close: () => server.close() }
}
