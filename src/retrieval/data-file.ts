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

/** Why a label cannot be stored, or undefined when it can (no tabs or newlines: the file format). */
export function labelProblem(label: string): string | undefined {
  if (label.trim() === '') return 'the label is empty'
  if (label.length > MAX_LABEL_LENGTH) return `the label is longer than ${MAX_LABEL_LENGTH} characters`
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(label)) return 'the label contains control characters (tab, newline, ...)'
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
