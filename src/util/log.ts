/**
 * A minimal leveled logger writing one line per event to stderr (stdout stays free for command
 * output such as JSON). `PPSERVE_LOG=debug|info|warn|error|silent` sets the level.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

function envLevel(): LogLevel {
  const value = process.env.PPSERVE_LOG
  return value && value in RANK ? (value as LogLevel) : 'info'
}

let threshold = RANK[envLevel()]

export function setLogLevel(level: LogLevel): void {
  threshold = RANK[level]
}

function write(level: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>): void {
  if (RANK[level] < threshold) return
  const suffix = fields ? ' ' + JSON.stringify(fields) : ''
  process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}${suffix}\n`)
}

export const log = {
  debug: (message: string, fields?: Record<string, unknown>) => write('debug', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
}
