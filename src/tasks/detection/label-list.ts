/**
 * PaddleDetection label lists (`label_list.txt`): one class name per line, the line number is
 * the class id. Trailing blank lines are ignored; a blank line between names would shift every
 * later id, so it is a ConfigError naming the file and line.
 */
import { ConfigError } from '../../engine/errors.js'

export function parseLabelList(text: string, file: string): string[] {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, '').trim())
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  const blank = lines.indexOf('')
  if (blank >= 0) throw new ConfigError(`${file}:${blank + 1}: blank line in a label list (line n names class n − 1)`)
  if (lines.length === 0) throw new ConfigError(`${file}: no labels`)
  return lines
}
