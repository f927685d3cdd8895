/**
 * Progress of a countable job (images embedded, ...) on stderr: `label  412/1068 (39 %) 31.2/s
 * ETA 21 s`. On a TTY one line is redrawn in place (at most 10 times a second); elsewhere (logs,
 * CI) a line is printed every 10 %, so logs stay short.
 */
import type { ProgressStream } from '../runtime/pull/progress-bar.js'

export interface CountProgress {
  /** Marks `count` more items done. */
  advance(count?: number): void
  finish(): void
}

export function createCountProgress(stream: ProgressStream, label: string, total: number, now: () => number = Date.now): CountProgress {
  const start = now()
  let done = 0
  let lastDraw = 0
  let nextTenth = 1
  const line = () => {
    const seconds = Math.max((now() - start) / 1000, 1e-3)
    const rate = done / seconds
    const eta = rate > 0 && done < total ? ` ETA ${Math.ceil((total - done) / rate)} s` : ''
    const percent = total > 0 ? Math.floor((100 * done) / total) : 100
    return `${label}  ${done}/${total} (${percent} %) ${rate.toFixed(1)}/s${eta}`
  }
  return {
    advance(count = 1) {
      done += count
      if (stream.isTTY) {
        if (now() - lastDraw < 100 && done < total) return
        lastDraw = now()
        stream.write(`\r${line()}\u001b[K`)
      } else if (total > 0 && done * 10 >= nextTenth * total) {
        while (done * 10 >= nextTenth * total) nextTenth++
        stream.write(`${line()}\n`)
      }
    },
    finish() {
      if (stream.isTTY) stream.write(`\r${line()}\u001b[K\n`)
      else if (done < total || total === 0) stream.write(`${line()}\n`)
    },
  }
}
