/**
 * The gallery panel (recognition only): a gallery's labels with their item counts, adding an
 * image under a label, removing an item by id or every item of a label. Changes send the token
 * as `Authorization: Bearer` when the server has one configured (the field shows then); it is
 * kept in this page only, never stored.
 */
import { describeError, requestJson, type PageConfig } from './api.js'
import { byId, h, showError } from './dom.js'

interface GalleryInfo {
  name: string
  size: number
  model: string
  metric: string
  method: string
  generation: number
  labels: Record<string, number>
}

/** A destructive button asks once more: the first click arms it, the second (within 4 s) acts. */
function confirmingButton(text: string, act: () => void): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'danger' }, text)
  let timer: ReturnType<typeof setTimeout> | undefined
  button.addEventListener('click', () => {
    if (!timer) {
      button.textContent = 'sure?'
      button.classList.add('armed')
      timer = setTimeout(() => {
        timer = undefined
        button.textContent = text
        button.classList.remove('armed')
      }, 4000)
      return
    }
    clearTimeout(timer)
    act()
  })
  return button
}

export function setUpGalleryPanel(config: PageConfig): void {
  const recognize = config.recognize
  if (!recognize) return
  const panel = byId('gallery', HTMLElement)
  const index = byId('gallery-index', HTMLInputElement)
  const token = byId('gallery-token', HTMLInputElement)
  const summary = byId('gallery-summary', HTMLParagraphElement)
  const error = byId('gallery-error', HTMLParagraphElement)
  const message = byId('gallery-message', HTMLParagraphElement)
  const filter = byId('gallery-filter', HTMLInputElement)
  const rows = byId('gallery-labels-table', HTMLTableElement).tBodies[0]!
  const addForm = byId('gallery-add', HTMLFormElement)
  const addFile = byId('gallery-add-file', HTMLInputElement)
  const addLabel = byId('gallery-add-label', HTMLInputElement)
  const removeForm = byId('gallery-remove-item', HTMLFormElement)
  const itemId = byId('gallery-item-id', HTMLInputElement)

  panel.hidden = false
  byId('gallery-token-field', HTMLLabelElement).hidden = !recognize.token_required
  byId('gallery-indexes', HTMLDataListElement).append(...recognize.indexes.map((name) => h('option', { value: name })))
  index.value = recognize.default_index
  let info: GalleryInfo | undefined

  const base = () => `gallery/${encodeURIComponent(index.value.trim())}`
  const auth = (): Record<string, string> => (token.value ? { Authorization: `Bearer ${token.value}` } : {})

  function renderLabels(): void {
    const labels = Object.entries(info?.labels ?? {}).sort(([a], [b]) => a.localeCompare(b))
    const wanted = filter.value.trim().toLowerCase()
    const shown = wanted ? labels.filter(([label]) => label.toLowerCase().includes(wanted)) : labels
    rows.replaceChildren(
      ...shown.map(([label, count]) =>
        h('tr', { 'data-label': label }, h('td', {}, label), h('td', { class: 'num' }, count), h('td', {}, confirmingButton('remove', () => void removeLabel(label)))),
      ),
    )
    byId('gallery-labels', HTMLDataListElement).replaceChildren(...labels.map(([label]) => h('option', { value: label })))
  }

  async function refresh(): Promise<void> {
    if (!index.value.trim()) return
    try {
      info = (await requestJson<GalleryInfo>(base(), { cache: 'no-store' })).body
      const labelCount = Object.keys(info.labels).length
      summary.textContent = `${info.size} items · ${labelCount} labels · generation ${info.generation} · ${info.model}, ${info.method} ${info.metric}`
      summary.dataset.size = String(info.size)
      showError(error, '')
    } catch (e) {
      info = undefined
      summary.textContent = ''
      delete summary.dataset.size
      showError(error, describeError(e))
    }
    renderLabels()
  }

  /** Runs a change, says what it did, and shows the gallery as it is now. */
  async function change(work: () => Promise<string>): Promise<void> {
    message.textContent = ''
    try {
      message.textContent = await work()
      showError(error, '')
    } catch (e) {
      showError(error, describeError(e))
    }
    await refresh()
  }

  async function removeLabel(label: string): Promise<void> {
    await change(async () => {
      const url = `${base()}/items?${new URLSearchParams({ label })}`
      const { body } = await requestJson<{ removed: number[] }>(url, { method: 'DELETE', headers: auth() })
      return `Removed ${body.removed.length} item${body.removed.length === 1 ? '' : 's'} labelled “${label}”.`
    })
  }

  addForm.addEventListener('submit', (event) => {
    event.preventDefault()
    const file = addFile.files?.[0]
    if (!file) return
    const body = new FormData()
    body.append('image', file, file.name)
    body.append('label', addLabel.value.trim())
    void change(async () => {
      const added = (await requestJson<{ id: number; label: string }>(`${base()}/items`, { method: 'POST', body, headers: auth() })).body
      addForm.reset()
      return `Added item #${added.id} labelled “${added.label}”.`
    })
  })
  removeForm.addEventListener('submit', (event) => {
    event.preventDefault()
    const id = itemId.value
    void change(async () => {
      await requestJson(`${base()}/items/${encodeURIComponent(id)}`, { method: 'DELETE', headers: auth() })
      removeForm.reset()
      return `Removed item #${id}.`
    })
  })
  byId('gallery-refresh', HTMLButtonElement).addEventListener('click', () => void refresh())
  index.addEventListener('change', () => void refresh())
  filter.addEventListener('input', renderLabels)
  void refresh()
}
