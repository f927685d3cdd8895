/**
 * Progress lines on stderr (stdout carries only the results). On a terminal each update overwrites
 * the previous one; in a log file every update is its own line.
 */
const tty = process.stderr.isTTY === true
let open = false

export function progress(message: string): void {
  if (tty) {
    process.stderr.write(`\r\x1b[2K${message}`)
    open = true
  } else {
    process.stderr.write(`${message}\n`)
  }
}

/** Ends an overwritten line so the next output starts on a fresh one. */
export function progressDone(): void {
  if (open) process.stderr.write('\n')
  open = false
}
