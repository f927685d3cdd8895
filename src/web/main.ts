/** The page's entry: reads what this server runs (GET web/config), then sets up each part. */
import { describeError, requestJson, type PageConfig } from './api.js'
import { byId, showError } from './dom.js'
import { setUpGalleryPanel } from './gallery-panel.js'
import { setUpRunPanel } from './run-panel.js'
import { setUpStatusStrip } from './status-strip.js'

async function start(): Promise<void> {
  let config: PageConfig
  try {
    config = (await requestJson<PageConfig>('web/config', { cache: 'no-store' })).body
  } catch (error) {
    showError(byId('run-error', HTMLParagraphElement), `Cannot read this server's settings: ${describeError(error)}`)
    return
  }
  byId('link-docs', HTMLAnchorElement).hidden = !config.docs
  byId('link-metrics', HTMLAnchorElement).hidden = !config.metrics
  setUpStatusStrip(config)
  setUpRunPanel(config)
  setUpGalleryPanel(config)
  // Images dropped beside the drop zone would make the browser leave the page to show them.
  for (const type of ['dragover', 'drop'] as const) window.addEventListener(type, (event) => event.preventDefault())
  document.body.dataset.ready = 'true'
}

void start()
