/** A non-TTY progress stream that keeps what was written, for assertions. */
export function progressSink(isTTY = false): { text: string; readonly isTTY: boolean; write(chunk: string): boolean } {
  const sink = {
    text: '',
    isTTY,
    write(chunk: string) {
      sink.text += chunk
      return true
    },
  }
  return sink
}
