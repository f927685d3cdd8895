/** Builds real services (real models, worker sessions) from a config override, for tests. */
import path from 'node:path'
import { parseConfig } from '../../src/config/load-config.js'
import type { ServingConfig } from '../../src/config/schema.js'
import { createServices, type Services, type ServicesOptions } from '../../src/server/services.js'
import { TASKS } from '../../src/tasks/registry.js'
import { PROJECT_ROOT } from './shared-assets.js'

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] }

/** Config overrides; `services` may also hold sections of the extra tasks a test serves. */
export type TestConfig = DeepPartial<ServingConfig> & { services?: Record<string, unknown> }

export function testConfig(overrides: TestConfig = {}, tasks: ServicesOptions['tasks'] = TASKS): ServingConfig {
  const raw = structuredClone(overrides) as Record<string, Record<string, unknown>>
  raw.models = { dir: path.join(PROJECT_ROOT, 'models'), ...raw.models }
  raw.server = { host: '127.0.0.1', port: 0, ...raw.server }
  // Only OCR unless a test names another service: fewer model workers per test server.
  raw.services = { classify: { enabled: false }, recognize: { enabled: false }, ...raw.services }
  return parseConfig(raw, 'test config', tasks)
}

export function testServices(overrides: TestConfig = {}, options: ServicesOptions = {}): Promise<Services> {
  return createServices(testConfig(overrides, options.tasks), options)
}
