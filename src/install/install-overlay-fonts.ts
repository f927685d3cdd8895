/**
 * `npm install` step (package.json "prepare", after the faiss-node build): installs Debian's
 * fonts-noto-cjk when it is missing, so the text drawn on result images (`visualize`, PaddleX
 * `ocrImage`) shows Chinese and Japanese glyphs instead of empty boxes.
 *
 * Idempotent (dpkg says it is there: nothing to do) and never fails the install: without apt or
 * root it says what to run and exits 0 — results are the same, only drawn CJK text is unreadable.
 */
import { aptInstall, notInstalled, OVERLAY_FONT_PACKAGES } from './system-packages.js'

const say = (message: string) => process.stderr.write(`[fonts] ${message}\n`)

function main(): void {
  if (process.env.PPSERVE_SKIP_FONTS) {
    say('PPSERVE_SKIP_FONTS is set: not installing fonts-noto-cjk')
    return
  }
  if (process.platform !== 'linux') {
    say(`not Linux (${process.platform}): install a CJK font (Noto Sans CJK SC) yourself for readable Chinese in drawn result images`)
    return
  }
  const missing = notInstalled(OVERLAY_FONT_PACKAGES)
  if (missing.length === 0) {
    say('fonts-noto-cjk is installed; nothing to do')
    return
  }
  say(`installing ${missing.join(', ')} with apt-get (CJK text in drawn result images)`)
  const apt = aptInstall(missing, { what: 'a CJK font (Noto Sans CJK SC)' })
  if (apt.ok) say('installed')
  else say(`NOT INSTALLED: ${apt.reason}. Serving works; Chinese text in drawn images shows as empty boxes.`)
}

main()
