/**
 * The project's Python clients (test/clients/), which do what PaddleOCR's and PaddleClas's
 * official clients do, run with Debian's python3 + requests against a real server: their printed
 * output carries the expected texts and labels. Also checks with Python itself that every pipeline
 * `value` reads the same through eval(), ast.literal_eval() and json.loads().
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { after, before, describe, it } from 'node:test'
import { DEBIAN_PYTHON, needsDebianPython } from '../../helpers/debian-python.js'
import { needsProtocolEnv, startProtocolEnv, type ProtocolEnv } from '../../helpers/paddle-protocols-env.js'
import { GALLERY_ROOT } from '../../helpers/recognition-env.js'
import { asset, PROJECT_ROOT } from '../../helpers/shared-assets.js'

const CLIENTS = path.join(PROJECT_ROOT, 'test/clients')
const run = promisify(execFile)

/** Runs a Python script (asynchronously: the server answers from this same process). */
async function python(args: string[]): Promise<string> {
  const { stdout } = await run(DEBIAN_PYTHON, args, { env: { ...process.env, PYTHONIOENCODING: 'utf-8' }, maxBuffer: 64 << 20 })
  return stdout
}

const skip = needsProtocolEnv || needsDebianPython()

describe('official-style Python clients against ppserve', { skip, timeout: 600_000 }, () => {
  let env: ProtocolEnv
  let url: string
  let imageDir: string
  before(async () => {
    env = await startProtocolEnv()
    url = env.server.url
    imageDir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-client-images-'))
    await copyFile(asset('images/ocr/imgs/11.jpg'), path.join(imageDir, '11.jpg'))
  })
  after(async () => {
    await env?.close()
    if (imageDir) await rm(imageDir, { recursive: true, force: true })
  })

  it('PaddleOCR pipeline_http_client: eval() of the value prints "[text, score], [[x, y] ×4]" per line', async () => {
    const out = await python([path.join(CLIENTS, 'paddle_pipeline_client.py'), 'ocr', '--url', `${url}/ocr/prediction`, '--image_dir', imageDir])
    assert.match(out, /^\*{10}11\.jpg\*{10}$/m)
    assert.match(out, /^erro_no:0, err_msg:$/m)
    assert.match(out, /^\['纯臻营养护发素', 0\.\d+\], \[\[\d+, \d+\], \[\d+, \d+\], \[\d+, \d+\], \[\d+, \d+\]\]$/m)
    assert.doesNotMatch(out, /No results/)
    assert.ok(out.split('\n').filter((line) => /^\['.*', [\d.e-]+\], \[\[/.test(line)).length >= 15)
    assert.match(out, /==> total number of test imgs: {2}1$/m)
  })

  it('PaddleClas imagenet pipeline_http_client: 100 answers, each label ["Weimaraner"]', async () => {
    const image = asset('images/imagenet/ILSVRC2012_val_00020010.jpeg')
    const out = await python([path.join(CLIENTS, 'paddle_pipeline_client.py'), 'imagenet', '--url', `${url}/imagenet/prediction`, '--image', image])
    const lines = out.trim().split('\n')
    assert.equal(lines.length, 100)
    for (const line of lines) {
      assert.match(line, /^\{'err_no': 0, 'err_msg': '', 'key': \['label', 'prob'\], 'value': \['\["Weimaraner"\]', '\[0\.9\d*\]'\], 'tensors': \[\]\}$/)
    }
  })

  it('PaddleClas recognition pipeline_http_client: the drink photo’s own label in "result"', async () => {
    const [relative, label] = env.recognition.lines[150]!
    const out = await python([path.join(CLIENTS, 'paddle_pipeline_client.py'), 'recognition', '--url', `${url}/recognition/prediction`, '--image', path.join(GALLERY_ROOT, relative)])
    assert.match(out, /^\{'err_no': 0, 'err_msg': '', 'key': \['result'\], 'value': \['\[\{"bbox": \[/)
    assert.ok(out.includes(`"rec_docs": "${label}"`), out)
  })

  it('PaddleOCR test_hubserving: ocr_system, ocr_det and ocr_rec results as logged', async () => {
    const hub = (module: string, image: string) => python([path.join(CLIENTS, 'hub_ocr_client.py'), `${url}/predict/${module}`, image])
    const system = await hub('ocr_system', imageDir)
    assert.match(system, /ppocr INFO: Predict time of .*11\.jpg: \d+\.\d{3}s/)
    assert.match(system, /ppocr INFO: \[\{'text': '纯臻营养护发素', 'confidence': 0\.\d+, 'text_region': \[\[\d+, \d+\], /)
    assert.match(system, /avg time cost: /)
    const det = await hub('ocr_det', path.join(imageDir, '11.jpg'))
    assert.match(det, /ppocr INFO: \[\{'text_region': \[\[\d+, \d+\], \[\d+, \d+\], \[\d+, \d+\], \[\d+, \d+\]\]\}, /)
    assert.doesNotMatch(det, /'text':/)
    const rec = await hub('ocr_rec', asset('images/ocr/imgs_words/ch/word_1.jpg'))
    assert.match(rec, /ppocr INFO: \[\{'text': '韩国小馆', 'confidence': 0\.\d+\}\]$/m)
  })

  it('Python reads every pipeline value the same with eval(), ast.literal_eval() and json.loads()', async () => {
    const requests = [
      ['ocr', asset('images/ocr/imgs/11.jpg')],
      ['imagenet', asset('images/imagenet/ILSVRC2012_val_00020010.jpeg')],
      ['recognition', path.join(GALLERY_ROOT, env.recognition.lines[0]![0])],
    ]
    const check = `
import ast, base64, json, sys, requests
for service, image in zip(sys.argv[2::2], sys.argv[3::2]):
    value = {"key": ["image"], "value": [base64.b64encode(open(image, "rb").read()).decode()]}
    answer = requests.post(sys.argv[1] + "/" + service + "/prediction", data=json.dumps(value)).json()
    assert answer["err_no"] == 0, answer
    for text in answer["value"]:
        assert eval(text) == ast.literal_eval(text) == json.loads(text), text
    print(service, "ok", len(answer["value"]))
`
    const out = await python(['-c', check, url, ...requests.flat()])
    assert.equal(out, 'ocr ok 1\nimagenet ok 2\nrecognition ok 1\n')
  })
})
