/** `ppserve serve [--config FILE] [--port N]`: load config, models and services, listen, stop on SIGTERM/SIGINT. */
import { parseArgs } from 'node:util'
import { DEFAULT_CONFIG_PATH, loadConfig } from '../config/load-config.js'
import { startHttpServer } from '../server/http-server.js'
import { ensureModelsPulled, MIRROR_ENV } from '../runtime/pull/index.js'
import { createServices, modelNamesOf } from '../server/services.js'
import { log } from '../util/log.js'

export const SERVE_USAGE = `usage: ppserve serve [--config FILE] [--port N]

  --config FILE   serving config (default ${DEFAULT_CONFIG_PATH})
  --port N        listen port (overrides the config and the PORT environment variable)`

export async function serveCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, port: { type: 'string' } }, strict: true })
  const env = values.port === undefined ? process.env : { ...process.env, PORT: values.port }
  const { config, file } = await loadConfig(values.config ?? DEFAULT_CONFIG_PATH, env)
  log.info(`config ${file}`)
  if (config.models.auto_pull) {
    // Missing weights are fetched before loading; a model that cannot be had leaves the server
    // up and /readyz saying which and why.
    const mirror = process.env[MIRROR_ENV] || config.models.mirror || undefined
    const results = await ensureModelsPulled(config.models.dir, modelNamesOf(config), { mirror })
    for (const result of results) {
      if (result.status === 'pulled') log.info(`model ${result.name} pulled`)
      if (result.status === 'failed') log.warn(`model ${result.name} could not be pulled: ${result.error?.message}`)
    }
  }
  const services = await createServices(config)
  const server = await startHttpServer(services)
  const notReady = services.registry.list().filter((m) => m.state !== 'ready')
  log.info(`listening on ${server.url}` + (notReady.length > 0 ? ` (not ready: ${notReady.map((m) => m.name).join(', ')})` : ''))

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) {
      log.warn(`${signal} again: exiting without waiting`)
      process.exit(1)
    }
    stopping = true
    log.info(`${signal}: shutting down gracefully (send it again to force)`)
    server.close().then(
      () => {
        log.info('stopped')
        process.exit(0)
      },
      (error: Error) => {
        log.error(`shutdown failed: ${error.message}`)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}
