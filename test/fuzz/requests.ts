/**
 * Generated requests, one arbitrary per family of routes: the native task routes (raw image,
 * JSON, multipart), Paddle Serving, PaddleHub, PaddleX, KServe v2, odd paths, and the gallery
 * API and PaddleX's PP-ShiTu operations (./gallery-requests.ts).
 */
import fc from 'fast-check'
import type { FuzzRequest } from './client.js'
import { galleryFamilies } from './gallery-requests.js'
import type { SeedItem } from './gallery-seed.js'
import { imageArb, type Seed } from './images.js'
import {
  base64Arb, CLASSIFY_OPTIONS, contentTypeArb, deadlineHeaderArb, headers, jsonMutationArb, objectText, OCR_OPTIONS, optionsArb, plainValue, queryArb, rawJsonValue, RECOGNIZE_OPTIONS,
} from './values.js'

const enc = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'))
const NATIVE_ROUTES = [['/ocr', OCR_OPTIONS], ['/classify', CLASSIFY_OPTIONS], ['/classify/text_direction', CLASSIFY_OPTIONS], ['/classify/nosuch', CLASSIFY_OPTIONS], ['/recognize', RECOGNIZE_OPTIONS]] as const
const nativeRoute = fc.constantFrom(...NATIVE_ROUTES)

export function familyArbs(seeds: readonly Seed[], gallerySeed: readonly SeedItem[] = []) {
  const image = imageArb(seeds)
  const b64 = base64Arb(image)
  const imageType = fc.constantFrom('image/jpeg', 'image/png', 'image/webp', 'image/tiff', 'image/gif', 'image/bmp')

  const nativeRaw: fc.Arbitrary<FuzzRequest> = fc
    .tuple(nativeRoute.chain(([path, names]) => fc.tuple(fc.constant(path), queryArb(names))), image, imageType.chain(contentTypeArb), deadlineHeaderArb)
    .map(([[path, query], img, type, deadline]) => ({
      kind: `native raw, ${img.what}`, method: 'POST', path: path + query, headers: headers({ 'content-type': type, 'x-deadline-ms': deadline }), body: img.bytes,
    }))

  const nativeJson: fc.Arbitrary<FuzzRequest> = fc
    .tuple(nativeRoute.chain(([path, names]) => fc.tuple(fc.constant(path), optionsArb(names))), fc.array(b64, { minLength: 1, maxLength: 3 }), fc.constantFrom('image', 'images', 'imgs'), jsonMutationArb,
      contentTypeArb('application/json'), deadlineHeaderArb)
    .map(([[path, options], images, key, mutation, type, deadline]) => {
      const imageRaw = key === 'images' ? `[${images.map((i) => i.raw).join(', ')}]` : images[0]!.raw
      return {
        kind: `native json, ${images.map((i) => i.what).join(' + ')}`, method: 'POST', path, headers: headers({ 'content-type': type, 'x-deadline-ms': deadline }),
        body: enc(mutation(objectText([[key, imageRaw], ...options]))),
      }
    })

  const part = fc.oneof(
    image.chain((img) => fc.tuple(fc.constantFrom('image', 'images', 'file', ''), fc.constantFrom('a.jpg', '', '../../x.png', 'ä"\\.png'), fc.constantFrom('image/png', 'text/plain', '', 'application/json'))
      .map(([name, filename, type]) => ({ what: img.what, head: `Content-Disposition: form-data; name="${name}"; filename="${filename}"${type ? `\r\nContent-Type: ${type}` : ''}`, data: Buffer.from(img.bytes) }))),
    fc.tuple(fc.constantFrom(...OCR_OPTIONS, 'topk', 'image'), rawJsonValue).map(([name, raw]) => ({ what: 'field', head: `Content-Disposition: form-data; name="${name}"`, data: Buffer.from(plainValue(raw)) })),
    image.map((img) => ({ what: `${img.what} as text field`, head: 'Content-Disposition: form-data; name="image"', data: Buffer.from(img.bytes) })),
    fc.constantFrom('Content-Disposition: attachment', 'Content-Type: image/png', '', 'Content-Disposition: form-data').map((head) => ({ what: 'bad part head', head, data: Buffer.from('x') })),
  )
  const multipart: fc.Arbitrary<FuzzRequest> = fc
    .tuple(nativeRoute, fc.array(part, { minLength: 0, maxLength: 5 }), fc.constantFrom('fuzzB0undary', '--', 'a'.repeat(70), 'x y', ''), fc.constantFrom('ok', 'other-boundary', 'no-close', 'no-crlf', 'no-boundary-param', 'truncated'),
      fc.double({ min: 0, max: 1, noNaN: true }), deadlineHeaderArb)
    .map(([[path], parts, boundary, defect, cut, deadline]) => {
      const crlf = defect === 'no-crlf' ? '\n' : '\r\n'
      const chunks = parts.flatMap((p) => [Buffer.from(`--${boundary}${crlf}${p.head}${crlf}${crlf}`), p.data, Buffer.from(crlf)])
      let body = Buffer.concat([...chunks, Buffer.from(defect === 'no-close' ? '' : `--${boundary}--${crlf}`)])
      if (defect === 'truncated') body = body.subarray(0, Math.floor(body.length * cut))
      const declared = defect === 'other-boundary' ? 'notTheBoundary' : boundary
      const type = defect === 'no-boundary-param' ? 'multipart/form-data' : `multipart/form-data; boundary=${declared.includes(' ') ? `"${declared}"` : declared}`
      return { kind: `native multipart (${defect}), ${parts.map((p) => p.what).join(' + ')}`, method: 'POST', path, headers: headers({ 'content-type': type, 'x-deadline-ms': deadline }), body: new Uint8Array(body) }
    })

  const pipelineKeys = fc.array(fc.oneof(fc.constantFrom('image', 'image_0', 'image_1', 'det', 'rec', 'limit_type', 'topk', 'model', 'index', 'score_thres', 'return_k', 'det_threshold', 'deadline_ms', 'image'), fc.string({ maxLength: 8 })), { minLength: 0, maxLength: 4 })
  const paddleServing: fc.Arbitrary<FuzzRequest> = fc
    .tuple(fc.constantFrom('ocr', 'imagenet', 'recognition', 'nosuch', 'classify', '%2e%2e', 'OCR'), pipelineKeys, fc.array(fc.oneof(b64.map((b) => b.raw), rawJsonValue), { maxLength: 4 }),
      fc.constantFrom('image', 'no-image', 'tensors', 'logid-object'), jsonMutationArb, fc.constantFrom(undefined, 'application/json', 'text/plain'), deadlineHeaderArb)
    .map(([service, keys, values, extra, mutation, type, deadline]) => {
      const entries: Array<[string, string]> = [['key', JSON.stringify(keys)], ['value', `[${values.join(', ')}]`]]
      if (extra === 'image') entries.push(['key', JSON.stringify(['image', ...keys])], ['value', `[${[...values, '"aGVsbG8="'].slice(0, keys.length + 1).join(', ')}]`])
      if (extra === 'tensors') entries.push(['tensors', '[{"name": "x"}]'])
      if (extra === 'logid-object') entries.push(['logid', '{"a": 1}'])
      return { kind: `paddle serving (${extra})`, method: 'POST', path: `/${service}/prediction`, headers: headers({ 'content-type': type, 'x-deadline-ms': deadline }), body: enc(mutation(objectText(entries))) }
    })

  const paddleHub: fc.Arbitrary<FuzzRequest> = fc
    .tuple(fc.constantFrom('ocr_system', 'ocr_det', 'ocr_rec', 'nosuch', '__proto__', 'hasOwnProperty'), fc.array(b64, { maxLength: 3 }), fc.boolean(), optionsArb(OCR_OPTIONS), jsonMutationArb,
      contentTypeArb('application/json'), deadlineHeaderArb)
    .map(([module, images, asList, options, mutation, type, deadline]) => ({
      kind: `paddlehub, ${images.map((i) => i.what).join(' + ')}`, method: 'POST', path: `/predict/${module}`, headers: headers({ 'content-type': type, 'x-deadline-ms': deadline }),
      body: enc(mutation(objectText([['images', asList ? `[${images.map((i) => i.raw).join(', ')}]` : (images[0]?.raw ?? '""')], ...options]))),
    }))

  const PADDLEX_FIELDS: Record<string, string[]> = {
    '/ocr': ['fileType', 'useTextlineOrientation', 'textDetLimitSideLen', 'textDetLimitType', 'textDetThresh', 'textDetBoxThresh', 'textDetUnclipRatio', 'textRecScoreThresh', 'visualize', 'useDocOrientationClassify', 'useDocUnwarping'],
    '/image-classification': ['topk', 'visualize'],
    '/shitu-infer': ['indexKey', 'detThreshold', 'recThreshold', 'topk', 'hammingRadius'],
    '/shitu-index-build': ['imageLabelPairs'],
    '/shitu-index-add': ['imageLabelPairs', 'indexKey'],
    '/shitu-index-remove': ['ids', 'indexKey'],
  }
  const paddlex: fc.Arbitrary<FuzzRequest> = fc
    .tuple(fc.constantFrom(...Object.keys(PADDLEX_FIELDS)).chain((path) => fc.tuple(fc.constant(path), optionsArb([...PADDLEX_FIELDS[path]!, 'file', 'image']))), b64,
      fc.constantFrom('file', 'image', 'url', 'none'), jsonMutationArb, contentTypeArb('application/json'), deadlineHeaderArb)
    .map(([[path, options], img, input, mutation, type, deadline]) => {
      const first: Array<[string, string]> = input === 'none' ? [] : input === 'url' ? [[path === '/ocr' ? 'file' : 'image', '"http://169.254.169.254/latest/meta-data"']] : [[path === '/ocr' && input === 'file' ? 'file' : input, img.raw]]
      return { kind: `paddlex (${input}), ${img.what}`, method: 'POST', path, headers: headers({ 'content-type': type, 'x-deadline-ms': deadline }), body: enc(mutation(objectText([...first, ...options]))) }
    })

  const model = fc.constantFrom('ppocrv4_det', 'ppocr_mobile_v2_cls', 'ppocrv4_rec', 'text_direction', 'picodet_xs_416_coco', 'mobilenet_v2_gem_features', 'nosuch', '..', '%2e%2e', 'ppocrv4_det%00')
  const tensor = fc
    .tuple(fc.constantFrom('x', 'y', ''), fc.constantFrom('FP32', 'INT64', 'INT32', 'UINT8', 'BOOL', 'fp32', ''), fc.array(fc.oneof(fc.integer({ min: -2, max: 64 }), fc.constantFrom(1e9, 2 ** 31, 0.5)), { maxLength: 5 }), rawJsonValue, fc.boolean())
    .map(([name, datatype, shape, data, flat]) =>
      objectText([['name', JSON.stringify(name)], ['datatype', JSON.stringify(datatype)], ['shape', JSON.stringify(shape)], ['data', flat ? `[${Array.from({ length: Math.min(4096, shape.reduce((a, b) => a * Math.max(0, Math.min(b, 64)), 1)) }, () => '0.5').join(',')}]` : data]]))
  const malformedInfer: fc.Arbitrary<FuzzRequest> = fc
    .tuple(model, fc.constantFrom('', '/versions/1', '/versions/2', '/versions/..'), fc.constantFrom('GET meta', 'GET ready', 'POST infer', 'POST infer', 'POST infer', 'GET /v2', 'GET /v2/health/ready', 'POST index', 'GET nowhere'),
      fc.array(tensor, { maxLength: 2 }), fc.constantFrom(undefined, 'gzip', 'deflate', 'br'), fc.option(fc.constantFrom('0', '5', '-1', '999999', 'abc')), fc.uint8Array({ maxLength: 64 }), jsonMutationArb, deadlineHeaderArb)
    .map(([m, version, op, inputs, encoding, headerLength, tail, mutation, deadline]) => {
      const [method, what] = op.split(' ') as ['GET' | 'POST', string]
      const base = `/v2/models/${m}${version}`
      const path = { meta: base, ready: `${base}/ready`, infer: `${base}/infer`, '/v2': '/v2', '/v2/health/ready': '/v2/health/ready', index: '/v2/repository/index', nowhere: `/v2/${m}` }[what]!
      const json = mutation(objectText([['id', '"fuzz"'], ['inputs', `[${inputs.join(', ')}]`], ['outputs', '[{"name": "sigmoid_0.tmp_0", "parameters": {"binary_data": true}}]']]))
      const body = method === 'GET' ? new Uint8Array() : new Uint8Array([...Buffer.from(json), ...(headerLength !== null ? tail : [])])
      return {
        kind: `kserve ${op}`, method, path,
        headers: headers({ 'content-type': 'application/json', 'content-encoding': method === 'POST' ? encoding : undefined, 'inference-header-content-length': headerLength ?? undefined, 'x-deadline-ms': deadline }),
        body,
      }
    })

  // Well-formed binary infers on the recognition models, so their (fake) sessions run through KServe too: any float, NaN and Inf included.
  const fill = fc.constantFrom(0, 1, -1, 0.5, 3.4e38, -3.4e38, Number.NaN, Number.POSITIVE_INFINITY, 1e-45)
  const validInfer: fc.Arbitrary<FuzzRequest> = fc
    .tuple(fc.constantFrom(['picodet_xs_416_coco', 'image', 1, 416], ['mobilenet_v2_gem_features', 'data', 1, 224], ['mobilenet_v2_gem_features', 'data', 2, 224]), fill, fill, fc.constantFrom('binary', 'binary', 'json-scores', 'none'), deadlineHeaderArb)
    .map(([[m, input, batch, side], a, b, outputs, deadline]) => {
      const values = new Float32Array(batch * 3 * side * side).map((_, i) => (i % 7 === 0 ? b : a))
      const requested = { binary: { parameters: { binary_data_output: true } }, 'json-scores': { outputs: [{ name: m === 'picodet_xs_416_coco' ? 'transpose_6.tmp_0' : 'conv6_4_bn.batch_norm.output.1.tmp_2__1' }] }, none: {} }[outputs]
      const json = JSON.stringify({ inputs: [{ name: input, shape: [batch, 3, side, side], datatype: 'FP32', parameters: { binary_data_size: values.byteLength } }], ...requested })
      return {
        kind: `kserve valid infer ${m} ×${batch} (${a}, ${b}), outputs ${outputs}`, method: 'POST', path: `/v2/models/${m}/infer`,
        headers: headers({ 'content-type': 'application/octet-stream', 'inference-header-content-length': String(Buffer.byteLength(json)), 'x-deadline-ms': deadline }),
        body: new Uint8Array(Buffer.concat([Buffer.from(json), Buffer.from(values.buffer)])),
      }
    })
  const kserve = fc.oneof({ weight: 7, arbitrary: malformedInfer }, { weight: 1, arbitrary: validInfer })

  const ODD = ['/ocr/../classify', '//ocr', '/%2e%2e/ocr', '/ocr/%2e%2e/v2', '/./ocr', '/ocr/', '/OCR', '/ocr%00', '/ocr;x', '/%6fcr', '/classify/..%2f..%2fetc%2fpasswd', '/classify/%2e%2e',
    '/v2/../ocr', '/v2/models/../../ocr/infer', '/predict/../ocr', '/predict/ocr_system/', '/gallery/drink/items', '/gallery/../../etc/items', '/recognize/../ocr', '/ocr\\..\\classify', '/\u00e9', '/%', '/%zz', '/..', '/ocr#frag']
  const oddPath = fc.oneof(fc.constantFrom(...ODD), fc.integer({ min: 100, max: 4000 }).map((n) => `/ocr/${'a/'.repeat(n / 2)}`), fc.constantFrom(100, 6000, 17_000, 40_000).map((n) => `/ocr?${'x'.repeat(n)}=1`),
    fc.array(fc.constantFrom('ocr', '..', '.', '%2e%2e', '%2E.', '', 'classify', 'v2', 'prediction', 'predict'), { minLength: 1, maxLength: 6 }).map((parts) => `/${parts.join('/')}`))
  const oddPaths: fc.Arbitrary<FuzzRequest> = fc
    .tuple(oddPath, fc.constantFrom('GET', 'POST', 'POST', 'PUT', 'DELETE'), image, fc.constantFrom('image/jpeg', 'application/json', undefined))
    .map(([path, method, img, type]) => ({
      kind: `odd path, ${img.what}`, method: method as FuzzRequest['method'], path: path.replace(/[^\x21-\x7e]/g, (ch) => encodeURIComponent(ch)),
      headers: headers({ 'content-type': type }), body: method === 'GET' ? new Uint8Array() : type === 'application/json' ? enc(JSON.stringify({ image: Buffer.from(img.bytes).toString('base64') })) : img.bytes,
    }))

  return { nativeRaw, nativeJson, multipart, paddleServing, paddleHub, paddlex, kserve, oddPaths, ...galleryFamilies(image, gallerySeed) }
}

