/**
 * One image's result as a card: the drawn JPEG the server returned (or the image as sent when it
 * drew nothing), the result as a table (OCR text / classification label / recognition label, each
 * with its score) and as JSON.
 */
import { formatScore, h } from './dom.js'

interface OcrLine {
  text?: string
  confidence?: number
  text_region?: number[][]
}
interface Classification {
  class_ids: number[]
  scores: number[]
  label_names?: string[]
}
interface Recognized {
  bbox: number[]
  rec_docs: string
  rec_scores: number
}

interface Table {
  readonly headers: readonly string[]
  /** Columns aligned right (numbers). */
  readonly numeric: readonly boolean[]
  readonly rows: ReadonlyArray<ReadonlyArray<string | number>>
  /** Shown instead of an empty table. */
  readonly empty: string
}

function ocrTable(lines: OcrLine[]): Table {
  return {
    headers: ['#', 'text', 'confidence'],
    numeric: [true, false, true],
    rows: lines.map((line, i) => [i + 1, line.text ?? '(region only)', line.confidence === undefined ? '' : formatScore(line.confidence)]),
    empty: 'No text found.',
  }
}

function classifyTable(result: Classification): Table {
  return {
    headers: ['label', 'class id', 'score'],
    numeric: [false, true, true],
    rows: result.class_ids.map((id, i) => [result.label_names?.[i] ?? '', id, formatScore(result.scores[i] ?? NaN)]),
    empty: 'No class.',
  }
}

function recognizeTable(boxes: Recognized[]): Table {
  return {
    headers: ['label', 'score', 'box (x1, y1, x2, y2)'],
    numeric: [false, true, false],
    rows: boxes.map((box) => [box.rec_docs, formatScore(box.rec_scores), box.bbox.join(', ')]),
    empty: 'Nothing in the gallery scored above score_thres.',
  }
}

const TABLES: Readonly<Record<string, (result: never) => Table>> = {
  ocr: ocrTable,
  classify: classifyTable,
  recognize: recognizeTable,
}

function renderTable(table: Table): HTMLElement {
  if (table.rows.length === 0) return h('p', { class: 'empty' }, table.empty)
  const cell = (tag: 'td' | 'th', value: string | number, i: number) => h(tag, { class: table.numeric[i] ? 'num' : undefined }, value)
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'table result-table' },
      h('thead', {}, h('tr', {}, ...table.headers.map((name, i) => cell('th', name, i)))),
      h('tbody', {}, ...table.rows.map((row) => h('tr', {}, ...row.map((value, i) => cell('td', value, i))))),
    ),
  )
}

export interface ResultCard {
  readonly service: string
  readonly fileName: string
  readonly result: unknown
  /** Base64 JPEG drawn by the server (`visualizations[i]`). */
  readonly drawn: string | undefined
  /** The image as sent (an object URL), shown when the server drew nothing. */
  readonly original: string
}

export function renderResult(card: ResultCard): HTMLElement {
  const table = TABLES[card.service]
  const image = card.drawn
    ? h('img', { src: `data:image/jpeg;base64,${card.drawn}`, alt: `${card.fileName} with its result drawn`, class: 'overlay' })
    : h('img', { src: card.original, alt: card.fileName })
  return h(
    'article',
    { class: 'result', 'data-file': card.fileName },
    h('figure', {}, image, h('figcaption', {}, card.fileName, card.drawn ? ' · drawn by the server' : '')),
    table ? renderTable(table(card.result as never)) : null,
    h('details', {}, h('summary', {}, 'JSON'), h('pre', {}, JSON.stringify(card.result, null, 2))),
  )
}

/** The whole answer for its JSON view, with each drawn JPEG's base64 replaced by its size. */
export function answerForDisplay(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || !('visualizations' in body) || !Array.isArray(body.visualizations)) return body
  const sizes = body.visualizations.map((b64: unknown) => `<base64 JPEG, ${Math.round((String(b64).length * 3) / 4 / 1024)} KB>`)
  return { ...body, visualizations: sizes }
}
