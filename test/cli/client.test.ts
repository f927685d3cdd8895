/**
 * `ppserve client` against a real server: every OCR demo image through each protocol, with the
 * texts printed per image and a summary; a wrong option is a usage error (exit 2).
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { startTestServer, type TestServer } from '../helpers/http-server.js'
import { asset, needsSharedAssets, PROJECT_ROOT } from '../helpers/shared-assets.js'

const run = promisify(execFile)
const CLI = path.join(PROJECT_ROOT, 'src/cli/main.ts')

function client(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', CLI, 'client', ...args], { cwd: PROJECT_ROOT, maxBuffer: 8 * 1024 * 1024 })
}

describe('ppserve client', { skip: needsSharedAssets, timeout: 240_000 }, () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer()
  })
  after(() => server?.close())

  for (const protocol of ['native', 'paddle', 'hub', 'paddlex']) {
    it(`reads every image of imgs/ over the ${protocol} protocol`, async () => {
      const { stdout } = await client(server.url, asset('images/ocr/imgs'), '--protocol', protocol)
      assert.match(stdout, /^11\.jpg {2}\d+\.\d ms {2}\d+ result\(s\)$/m)
      assert.match(stdout, /纯臻营养护发素/)
      assert.match(stdout, /17 image\(s\): 17 ok, 0 failed; latency mean \d+\.\d ms, p50 \d+\.\d ms, p90 \d+\.\d ms/)
    })
  }

  it('says which images failed and exits 1; a bad option is a usage error', async () => {
    await assert.rejects(client(server.url, asset('images/ocr/imgs/11.jpg'), '--service', 'classify'), (error: { code: number; stdout: string }) => {
      assert.equal(error.code, 1)
      assert.match(error.stdout, /11\.jpg {2}FAILED {2}not_found: no route POST \/classify/)
      return true
    })
    await assert.rejects(client(server.url, asset('images/ocr/imgs'), '--protocol', 'grpc'), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 2)
      assert.match(error.stderr, /--protocol must be one of native, paddle, hub, paddlex, got "grpc"/)
      return true
    })
  })
})
