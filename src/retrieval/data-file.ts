/**
 * PaddleClas gallery data files: one image per line, `relative/path.jpg<TAB>label` (labels may be
 * Chinese). Bad lines are collected with their line numbers instead of stopping the whole build;
 * the caller decides (`--strict`) whether any problem is fatal.
 */
export interface DataFileItem {
  /** 1-based line number in the data file. */
  readonly line: number
  readonly path: string
  readonly label: string
}

export interface DataFileProblem {
  readonly line: number
  readonly message: string
}

export interface ParsedDataFile {
  readonly items: DataFileItem[]
  readonly problems: DataFileProblem[]
}

export const MAX_LABEL_LENGTH = 128

/**
 * Characters a label may not hold: C0/C1 controls (tabs and newlines break the file format) and
 * the bidi marks, embeddings, overrides and isolates that make a label display as another text.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/

const codePoint = (char: string): string => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`

/** Why a label cannot be stored, or undefined when it can. */
export function labelProblem(label: string): string | undefined {
  if (label.trim() === '') return 'the label is empty'
  if (label.length > MAX_LABEL_LENGTH) return `the label is longer than ${MAX_LABEL_LENGTH} characters`
  const forbidden = FORBIDDEN.exec(label)
  if (forbidden) {
    const kind = forbidden[0].charCodeAt(0) <= 0x9f ? 'a control character' : 'a bidirectional formatting character'
    return `the label contains ${kind} (${codePoint(forbidden[0])} at position ${forbidden.index}); control characters (tab, newline, ...) and bidi marks or overrides are not allowed`
  }
  return undefined
}

export function parseDataFile(text: string, delimiter = '\t'): ParsedDataFile {
  const items: DataFileItem[] = []
  const problems: DataFileProblem[] = []
  text.split('\n').forEach((raw, index) => {
    const line = index + 1
    const content = raw.replace(/\r$/, '')
    if (content.trim() === '') return
    const at = content.indexOf(delimiter)
    if (at < 0) {
      problems.push({ line, message: `expected "path${delimiter === '\t' ? '<TAB>' : delimiter}label", got ${JSON.stringify(content)}` })
      return
    }
    const path = content.slice(0, at).trim()
    const label = content.slice(at + delimiter.length).trim()
    const problem = path === '' ? 'the image path is empty' : labelProblem(label)
    if (problem) problems.push({ line, message: problem })
    else items.push({ line, path, label })
  })
  return { items, problems }
}
