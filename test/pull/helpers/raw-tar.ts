/**
 * Writes a tar archive byte by byte (ustar headers), so a test can hold entries no well-behaved
 * tool would write: `../` paths and links pointing out of the extraction folder.
 */
export interface RawEntry {
  readonly name: string
  readonly body?: string
  /** '0' file (default), '2' symbolic link, '5' folder. */
  readonly type?: '0' | '2' | '5'
  readonly linkname?: string
}

function field(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value.slice(0, length), offset, 'latin1')
}

const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0') + '\0'

function headerFor(entry: RawEntry, size: number): Buffer {
  const header = Buffer.alloc(512)
  field(header, 0, 100, entry.name)
  field(header, 100, 8, octal(entry.type === '5' ? 0o755 : 0o644, 8))
  field(header, 108, 8, octal(0, 8))
  field(header, 116, 8, octal(0, 8))
  field(header, 124, 12, octal(size, 12))
  field(header, 136, 12, octal(0, 12))
  field(header, 156, 1, entry.type ?? '0')
  field(header, 157, 100, entry.linkname ?? '')
  field(header, 257, 6, 'ustar\0')
  field(header, 263, 2, '00')
  // The checksum is computed with its own field read as spaces.
  header.fill(0x20, 148, 156)
  let sum = 0
  for (const byte of header) sum += byte
  field(header, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ')
  return header
}

export function rawTar(entries: readonly RawEntry[]): Buffer {
  const parts: Buffer[] = []
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '')
    parts.push(headerFor(entry, body.byteLength), body, Buffer.alloc((512 - (body.byteLength % 512)) % 512))
  }
  parts.push(Buffer.alloc(1024))
  return Buffer.concat(parts)
}
