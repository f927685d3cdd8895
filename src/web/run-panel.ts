/**
 * "Try a service": pick OCR, classification or recognition, drop or choose images, and see each
 * one drawn with its result, the result as a table and JSON, and the latency: measured in the
 * browser, and the server's own Server-Timing parts. All images go in one multipart request with
 * `visualize=true`, so one answer carries both the results and the drawn JPEGs.
 */
import { describeError, requestJson, type Answer, type PageConfig } from './api.js'
import { byId, h, showError } from './dom.js'
import { answerForDisplay, renderResult } from './result-view.js'
import { renderTiming } from './timing-view.js'

const LABELS: Readonly<Record<string, string>> = { ocr: 'OCR', classify: 'Classification', recognize: 'Recognition' }

interface TaskAnswer {
  results?: unknown[]
  visualizations?: string[]
}

export function setUpRunPanel(config: PageConfig): void {
  const form = byId('run-form', HTMLFormElement)
  const picker = byId('service-picker', HTMLFieldSetElement)
  const model = byId('model', HTMLSelectElement)
  const index = byId('index', HTMLSelectElement)
  const input = byId('files', HTMLInputElement)
  const drop = byId('drop', HTMLLabelElement)
  const again = byId('run-again', HTMLButtonElement)
  const error = byId('run-error', HTMLParagraphElement)
  const summary = byId('run-summary', HTMLDivElement)
  const results = byId('results', HTMLDivElement)

  const services = config.services.filter((s) => s.name in LABELS)
  if (services.length === 0) {
    showError(error, 'No service runs on this server (services: in serving.yml).')
    drop.hidden = true
    return
  }
  services.forEach((s, i) =>
    picker.append(h('label', {}, h('input', { type: 'radio', name: 'service', value: s.name, checked: i === 0 }), LABELS[s.name] ?? s.title)),
  )
  for (const name of config.classify?.models ?? []) model.append(h('option', { value: name, selected: name === config.classify?.default_model }, name))
  for (const name of config.recognize?.indexes ?? []) index.append(h('option', { value: name, selected: name === config.recognize?.default_index }, name))

  let files: File[] = []
  let previews: string[] = []
  let runs = 0

  const service = () => new FormData(form).get('service') as string
  function showOptions(): void {
    byId('model-field', HTMLLabelElement).hidden = service() !== 'classify'
    byId('index-field', HTMLLabelElement).hidden = service() !== 'recognize'
  }

  function urlFor(name: string): string {
    const query = new URLSearchParams({ visualize: 'true' })
    if (name === 'recognize' && index.value) query.set('index', index.value)
    const path = name === 'classify' && model.value ? `classify/${encodeURIComponent(model.value)}` : name
    return `${path}?${query}`
  }

  function showAnswer(name: string, answer: Answer<TaskAnswer>): void {
    const count = `${files.length} image${files.length === 1 ? '' : 's'}`
    summary.replaceChildren(
      ...renderTiming(`${LABELS[name]} · ${count}`, answer.clientMs, answer.timing),
      h('details', {}, h('summary', {}, 'Whole answer (JSON)'), h('pre', { class: 'answer-json' }, JSON.stringify(answerForDisplay(answer.body), null, 2))),
    )
    summary.hidden = false
    const list = answer.body.results ?? []
    results.replaceChildren(
      ...list.map((result, i) =>
        renderResult({ service: name, fileName: files[i]?.name ?? `image ${i + 1}`, result, drawn: answer.body.visualizations?.[i], original: previews[i] ?? '' }),
      ),
    )
  }

  async function run(): Promise<void> {
    if (files.length === 0) return
    const name = service()
    const run = ++runs
    const body = new FormData()
    for (const file of files) body.append('image', file, file.name)
    showError(error, '')
    results.setAttribute('aria-busy', 'true')
    summary.replaceChildren(`Running ${LABELS[name]} on ${files.length} image${files.length === 1 ? '' : 's'}…`)
    summary.hidden = false
    again.disabled = true
    try {
      const answer = await requestJson<TaskAnswer>(urlFor(name), { method: 'POST', body })
      if (run === runs) showAnswer(name, answer)
    } catch (e) {
      if (run !== runs) return
      showError(error, describeError(e))
      summary.hidden = true
      results.replaceChildren()
    } finally {
      if (run === runs) {
        results.removeAttribute('aria-busy')
        again.disabled = false
      }
    }
  }

  function choose(list: FileList | null): void {
    const images = [...(list ?? [])].filter((f) => f.type.startsWith('image/') || f.type === '')
    if (images.length === 0) return
    for (const url of previews) URL.revokeObjectURL(url)
    files = images
    previews = images.map((f) => URL.createObjectURL(f))
    void run()
  }

  picker.addEventListener('change', () => {
    showOptions()
    void run()
  })
  model.addEventListener('change', () => void run())
  index.addEventListener('change', () => void run())
  input.addEventListener('change', () => {
    choose(input.files)
    input.value = '' // choosing the same file again runs it again
  })
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    void run()
  })
  drop.addEventListener('dragover', (event) => {
    event.preventDefault()
    drop.classList.add('over')
  })
  drop.addEventListener('dragleave', () => drop.classList.remove('over'))
  drop.addEventListener('drop', (event) => {
    event.preventDefault()
    drop.classList.remove('over')
    choose(event.dataTransfer?.files ?? null)
  })
  showOptions()
}
