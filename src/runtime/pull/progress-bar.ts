/**
 * A download progress bar on a text stream (stderr): bytes, percent and speed. On a TTY it
 * redraws one line in place (at most 10 times a second); elsewhere (logs, CI, pipes) it prints a
 * line every 10 % (every 10 MiB when the size is unknown), so logs stay short.
 */

/** Where progress goes: process.stderr, or any sink with a write method (tests). */
export interface ProgressStream {
  write(chunk: string): unknown
  readonly isTTY?: boolean
}

export interface ProgressBar {
  update(bytes: number): void
  /** Draws the final state and ends the line. */
  finish(): void
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB'] as const

export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`
}

const REDRAW_MS = 100
const UNKNOWN_STEP = 10 * 1024 * 1024

export function createProgressBar(stream: ProgressStream, label: string, total: number | undefined, now: () => number = Date.now): ProgressBar {
  const start = now()
  let bytes = 0
  let lastDraw = 0
  let nextStep = 1
  const text = () => {
    const seconds = Math.max((now() - start) / 1000, 1e-3)
    const speed = `${formatBytes(Math.round(bytes / seconds))}/s`
    if (total === undefined || total <= 0) return `${label} ${formatBytes(bytes)} ${speed}`
    const percent = Math.min(100, Math.floor((bytes / total) * 100))
    return `${label} ${formatBytes(bytes)} / ${formatBytes(total)} ${String(percent).padStart(3)}% ${speed}`
  }
  const reached = () => (total && total > 0 ? (bytes / total) * 10 >= nextStep : bytes >= nextStep * UNKNOWN_STEP)
  return {
    update(value) {
      bytes = value
      if (stream.isTTY) {
        if (now() - lastDraw < REDRAW_MS) return
        lastDraw = now()
        stream.write(`\r${text()}\x1b[K`)
        return
      }
      if (!reached()) return
      while (reached()) nextStep += 1
      stream.write(`${text()}\n`)
    },
    finish() {
      if (stream.isTTY) {
        stream.write(`\r${text()}\x1b[K\n`)
        return
      }
      const printedLast = total !== undefined && total > 0 && nextStep > 10
      if (!printedLast) stream.write(`${text()}\n`)
    },
  }
}
