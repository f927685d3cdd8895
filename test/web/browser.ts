/**
 * Debian's chromium driven by playwright-core for the web page tests, with every problem the page
 * shows recorded: console errors, uncaught exceptions, failed requests, error statuses, and any
 * request that leaves the server's origin (the page must load nothing from elsewhere).
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core'
import { DEBIAN_CHROMIUM } from '../helpers/chromium.js'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'

/** Screenshots of test runs (git-ignored). */
export const ARTIFACTS = path.join(PROJECT_ROOT, 'test', 'artifacts')

export interface WatchedPage {
  readonly page: Page
  /** What went wrong so far, one line each; the tests assert it stays empty. */
  readonly problems: string[]
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true })
  // --no-sandbox: the tests run as root, where chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: DEBIAN_CHROMIUM, headless: true, args: ['--no-sandbox'] })
}

export async function openWatched(browser: Browser, origin: string, options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ locale: 'en-US', ...options })
  const page = await context.newPage()
  page.setDefaultTimeout(60_000)
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`))
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.method()} ${request.url()}: ${request.failure()?.errorText}`))
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`)
  })
  page.on('request', (request) => {
    const url = request.url()
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`request outside the server: ${url}`)
  })
  await page.goto(`${origin}/`)
  await page.locator('body[data-ready="true"]').waitFor()
  return { page, problems }
}
