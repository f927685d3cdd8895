/**
 * `ppserve serve [--config FILE] [--port N] [--print-config]`: load config, models and services,
 * listen, stop on SIGTERM/SIGINT.
 */
import { parseArgs } from 'node:util'
import { stringify } from 'yaml'
import { envOverrides } from '../config/environment.js'
import { DEFAULT_CONFIG_PATH, loadConfig, redactSecrets } from '../config/load-config.js'
import { startHttpServer } from '../server/http-server.js'
import { ensureModelsPulled } from '../runtime/pull/index.js'
import { createServices, modelNamesOf } from '../server/services.js'
import { TASKS } from '../tasks/registry.js'
import { log } from '../util/log.js'

export const SERVE_USAGE = `usage: ppserve serve [--config FILE] [--port N] [--print-config]

  --config FILE    serving config (default ${DEFAULT_CONFIG_PATH})
  --port N         listen port (overrides the config and the PORT environment variable)
  --print-config   print the effective config (file + defaults + environment, secrets redacted) and exit

environment (overrides the config's key):
${envOverrides(TASKS)
  .map((o) => `  ${o.variable.padEnd(22)} ${o.path.join('.')}`)
  .join('\n')}
  PPSERVE_LOG            log level: debug | info | warn | error | silent`

export async function serveCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, port: { type: 'string' }, 'print-config': { type: 'boolean' } },
    strict: true,
  })
  const env = values.port === undefined ? process.env : { ...process.env, PORT: values.port }
  const { config, file } = await loadConfig(values.config ?? DEFAULT_CONFIG_PATH, env)
  if (values['print-config']) {
    process.stdout.write(`# effective config: ${file}, defaults and environment\n${stringify(redactSecrets(config))}`)
    return
  }
  log.info(`config ${file}`, { effective: redactSecrets(config) })
  if (config.models.auto_pull) {
    // Missing weights are fetched before loading; a model that cannot be had leaves the server
    // up and /readyz saying which and why.
    const mirror = config.models.mirror ?? undefined
    // Remote models run elsewhere: only their manifests need to be here.
    const local = modelNamesOf(config).filter((name) => !(name in config.models.remote))
    const results = await ensureModelsPulled(config.models.dir, local, { mirror })
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
