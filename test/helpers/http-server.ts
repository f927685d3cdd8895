/** Starts the real HTTP server on a free loopback port for a test file. */
import { startHttpServer } from '../../src/server/http-server.js'
import type { Services, ServicesOptions } from '../../src/server/services.js'
import { testServices, type TestConfig } from './services.js'

export interface TestServer {
  readonly url: string
  readonly services: Services
  close(): Promise<void>
}

export async function startTestServer(overrides: TestConfig = {}, options: ServicesOptions = {}): Promise<TestServer> {
  const services = await testServices(overrides, options)
  const server = await startHttpServer(services)
  return { url: server.url, services, close: () => server.close() }
}
