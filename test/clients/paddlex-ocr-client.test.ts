/**
 * PaddleX's own kind of client against this server: test/clients/paddlex_ocr_client.py does what
 * the OCR pipeline's Python serving example does (requests.post of {"file", "fileType": 1}, then
 * prunedResult and the base64 ocrImage written to a file), run with Debian's python3 and
 * python3-requests (installed when missing; see ../helpers/debian-python.ts).
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import sharp from 'sharp'
import { DEBIAN_PYTHON, needsDebianPython } from '../helpers/debian-python.js'
import { startTestServer, type TestServer } from '../helpers/http-server.js'
import { asset, needsSharedAssets, PROJECT_ROOT } from '../helpers/shared-assets.js'

const run = promisify(execFile)
const CLIENT = path.join(PROJECT_ROOT, 'test/clients/paddlex_ocr_client.py')

const problem = needsSharedAssets || needsDebianPython()

describe('the PaddleX OCR example client, unmodified but for its URL', { skip: problem, timeout: 180_000 }, () => {
  let server: TestServer
  let out: string
  before(async () => {
    server = await startTestServer({ services: { classify: { enabled: false }, recognize: { enabled: false } } })
    out = await mkdtemp(path.join(os.tmpdir(), 'ppserve-paddlex-client-'))
  })
  after(async () => {
    await server?.close()
    await rm(out, { recursive: true, force: true })
  })

  it('prints the recognised text and writes ocrImage as a valid JPEG of the drawn size', async () => {
    const image = asset('images/ocr/imgs/11.jpg')
    // Loopback must not go through a proxy the environment may name.
    const env = { ...process.env, PYTHONUTF8: '1', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' }
    const { stdout } = await run(DEBIAN_PYTHON, [CLIENT, `${server.url}/ocr`, image, out], { env, timeout: 120_000 })
    const pages = stdout.trim().split('\n').map((line) => JSON.parse(line) as { page: number; prunedResult: { rec_texts: string[] }; ocrImage: string })
    assert.equal(pages.length, 1)
    assert.ok(pages[0]!.prunedResult.rec_texts.includes('纯臻营养护发素'), stdout)
    assert.equal(pages[0]!.ocrImage, path.join(out, 'ocr_0.jpg'))

    const jpeg = await readFile(pages[0]!.ocrImage)
    assert.deepEqual([jpeg[0], jpeg[1], jpeg.at(-2), jpeg.at(-1)], [0xff, 0xd8, 0xff, 0xd9])
    const { width, height } = await sharp(image).metadata()
    const { info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true }) // decodes every pixel
    // The image (500×500, under max_visualize_side) with the text drawn on a copy beside it.
    assert.deepEqual([info.width, info.height], [2 * width!, height])
  })
})
