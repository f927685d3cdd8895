/** `serve --print-config`: the config as it would run (file, defaults, environment), secrets redacted, then exit. */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import path from 'node:path'
import { it } from 'node:test'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { PROJECT_ROOT } from '../helpers/shared-assets.js'

const run = promisify(execFile)

it('serve --print-config prints the effective config with the environment applied and the token redacted', async () => {
  const token = 'a-secret-gallery-token-123'
  const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/cli/main.ts'), 'serve', '--print-config'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: '9123', PPSERVE_MIRROR: '/mnt/mirror', PPSERVE_GALLERY_TOKEN: token },
  })
  assert.ok(!stdout.includes(token), 'the token itself is never printed')
  const printed = parse(stdout) as { server: { port: number }; models: { mirror: string }; services: Record<string, { gallery?: { token: string } }> }
  assert.equal(printed.server.port, 9123)
  assert.equal(printed.models.mirror, '/mnt/mirror')
  assert.equal(printed.services.recognize!.gallery!.token, '<redacted>')
  assert.deepEqual(Object.keys(printed.services), ['ocr', 'classify', 'recognize'])
})
