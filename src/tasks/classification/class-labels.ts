/**
 * PaddleClas class_id_map files: one class per line, `<id> <name>` (`0 tench, Tinca tinca`).
 * Unlike PaddleClas, which prints and returns None on a bad file (labels then silently vanish),
 * any malformed line is a ConfigError at load naming the file and line.
 */
import { ConfigError } from '../../engine/errors.js'

export function parseClassIdMap(text: string, file: string): Map<number, string> {
  const labels = new Map<number, string>()
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '')
    if (line.trim() === '') return
    const match = /^(\d+)\s+(.+)$/.exec(line)
    if (!match) throw new ConfigError(`${file}:${index + 1}: expected "<class id> <name>", got ${JSON.stringify(line)}`)
    const id = Number(match[1])
    if (labels.has(id)) throw new ConfigError(`${file}:${index + 1}: class id ${id} appears twice`)
    labels.set(id, match[2]!.trim())
  })
  if (labels.size === 0) throw new ConfigError(`${file}: no classes`)
  return labels
}
