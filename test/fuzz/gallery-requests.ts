/**
 * Generated requests for the live galleries: the gallery API (`GET /gallery/{index}`, add an item
 * as raw bytes, JSON or multipart, remove by id or by label, wrong methods) and PaddleX's
 * PP-ShiTu operations (`/shitu-infer`, `/shitu-index-build`, `-add`, `-remove`) with mutated
 * fields. Images are the default gallery's own (so adds and searches find something) or the
 * suite's mutated ones; labels, index names, ids and tokens come from ./gallery-values.ts.
 */
import fc from 'fast-check'
import type { FuzzRequest } from './client.js'
import { SEED_LABELS, type SeedItem } from './gallery-seed.js'
import {
  authorizationArb, BUILT_INDEX, GALLERY_TOKEN, idsJsonArb, indexKeyJsonArb, indexNameArb, labelArb, labelJsonArb, pathIdArb, pathSegment, queryValue,
} from './gallery-values.js'
import type { ImageCase } from './images.js'
import { base64Arb, contentTypeArb, deadlineHeaderArb, headers, jsonMutationArb, objectText, plainValue, rawJsonValue } from './values.js'

const enc = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'))
const BOUNDARY = 'fuzzGalleryBoundary'

/** The value once in `1 + odds` draws, else null. */
const rarely = <T>(arb: fc.Arbitrary<T>, odds = 6): fc.Arbitrary<T | null> => fc.oneof({ weight: odds, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb })

/** `[name, raw JSON]` entries, each present or not. */
function someFields(fields: ReadonlyArray<readonly [string, fc.Arbitrary<string>]>): fc.Arbitrary<Array<[string, string]>> {
  return fc.tuple(...fields.map(([name, value]) => fc.option(value.map((v): [string, string] => [name, v]), { freq: 2 }))).map((entries) => entries.filter((e) => e !== null))
}

type Inputs = ReturnType<typeof galleryInputs>

/** What both families draw from. */
function galleryInputs(image: fc.Arbitrary<ImageCase>, seed: readonly SeedItem[]) {
  const own = fc.integer({ min: 0, max: Math.max(0, seed.length - 1) }).map((i): ImageCase => ({ what: `gallery item ${i}`, bytes: seed[i]?.png ?? new Uint8Array() }))
  const galleryImage = seed.length > 0 ? fc.oneof({ weight: 3, arbitrary: own }, { weight: 2, arbitrary: image }) : image
  // Plain base64 most often, so more requests get past the image and test what comes after.
  const plain = galleryImage.map((img) => ({ what: img.what, raw: JSON.stringify(Buffer.from(img.bytes).toString('base64')) }))
  const b64 = fc.oneof({ weight: 3, arbitrary: plain }, { weight: 1, arbitrary: base64Arb(galleryImage) })
  const index = fc.tuple(indexNameArb, fc.boolean()).map(([name, raw]) => (name === BUILT_INDEX ? name : pathSegment(name, raw)))
  // A third of the requests are clean (the right token, no deadline, body not mutated), so
  // changes succeed often enough to test what comes after them.
  const common = fc.oneof(
    { weight: 1, arbitrary: fc.constant({ clean: true, authorization: `Bearer ${GALLERY_TOKEN}`, deadline: undefined }) },
    { weight: 2, arbitrary: fc.record({ clean: fc.constant(false), authorization: authorizationArb, deadline: deadlineHeaderArb }) },
  )
  return { seed, own, galleryImage, b64, index, common }
}

const imagePart = (img: ImageCase) => ({ what: img.what, head: 'Content-Disposition: form-data; name="image"; filename="x.png"\r\nContent-Type: image/png', data: Buffer.from(img.bytes) })
const labelPart = (label: string) => ({ what: 'label', head: 'Content-Disposition: form-data; name="label"', data: Buffer.from(label) })

/** Add items as raw bytes (label in the query), JSON or multipart: each with its own defects. */
function addBodies({ galleryImage, b64, index }: Inputs, labelQuery: fc.Arbitrary<string>) {
  const clean = fc.tuple(fc.constantFrom('drink', BUILT_INDEX), galleryImage, labelArb).map(([name, img, label]) => ({
    kind: `gallery add raw, ${img.what}`, path: `/gallery/${name}/items?label=${queryValue(label)}`, type: 'image/png', body: img.bytes,
  }))
  const raw = fc.tuple(index, galleryImage, fc.option(labelQuery, { freq: 6 }), fc.constantFrom('image/png', 'image/jpeg', 'application/octet-stream', 'text/plain'))
    .map(([name, img, query, type]) => ({ kind: `gallery add raw, ${img.what}`, path: `/gallery/${name}/items${query ?? ''}`, type, body: img.bytes }))
  const json = fc.tuple(index, fc.oneof(b64, fc.constant({ what: 'no image', raw: '' })), fc.option(labelJsonArb, { freq: 6 }), rarely(fc.tuple(fc.constantFrom('images', 'index', 'path', 'id', 'label', 'foo'), rawJsonValue)),
    jsonMutationArb, fc.oneof({ weight: 3, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: contentTypeArb('application/json') }))
    .map(([name, img, label, extra, mutation, type]) => {
      const entries: Array<[string, string]> = img.raw === '' ? [] : [['image', img.raw]]
      if (label !== null) entries.push(['label', label])
      if (extra) entries.push(extra)
      return { kind: `gallery add json, ${img.what}`, path: `/gallery/${name}/items`, type, body: enc(mutation(objectText(entries))) }
    })
  const part = fc.oneof(
    { weight: 4, arbitrary: galleryImage.map(imagePart) },
    { weight: 4, arbitrary: labelArb.map(labelPart) },
    { weight: 1, arbitrary: labelArb.map((l) => ({ what: 'label as file', head: 'Content-Disposition: form-data; name="label"; filename="label.txt"', data: Buffer.from(l) })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('index', 'path', 'id', 'foo', 'image'), rawJsonValue).map(([n, v]) => ({ what: n, head: `Content-Disposition: form-data; name="${n}"`, data: Buffer.from(plainValue(v).slice(0, 2000)) })) },
  )
  // An image and a label in either order (sometimes with one more part) most often, else any parts.
  const imageAndLabel = fc.tuple(galleryImage, labelArb, rarely(part, 2), fc.boolean())
    .map(([img, label, extra, swap]) => [...(swap ? [labelPart(label), imagePart(img)] : [imagePart(img), labelPart(label)]), ...(extra ? [extra] : [])])
  const parts = fc.oneof({ weight: 2, arbitrary: imageAndLabel }, { weight: 1, arbitrary: fc.array(part, { maxLength: 4 }) })
  const multipart = fc.tuple(index, parts, rarely(labelQuery, 3), rarely(fc.double({ min: 0, max: 1, noNaN: true }), 8)).map(([name, parts, query, cut]) => {
    const chunks = parts.flatMap((p) => [Buffer.from(`--${BOUNDARY}\r\n${p.head}\r\n\r\n`), p.data, Buffer.from('\r\n')])
    const body = Buffer.concat([...chunks, Buffer.from(`--${BOUNDARY}--\r\n`)])
    return {
      kind: `gallery add multipart${cut === null ? '' : ' (truncated)'}, ${parts.map((p) => p.what).join(' + ')}`, path: `/gallery/${name}/items${query ?? ''}`,
      type: `multipart/form-data; boundary=${BOUNDARY}`, body: new Uint8Array(cut === null ? body : body.subarray(0, Math.floor(body.length * cut))),
    }
  })
  return fc.oneof(clean, raw, json, multipart)
}

/** The gallery API: describe, add, remove by id or label, and routes that do not exist. */
function galleryApi(inputs: Inputs): fc.Arbitrary<FuzzRequest> {
  const { index, common } = inputs
  const labelQuery = fc.oneof({ weight: 6, arbitrary: labelArb.map((l) => `?label=${queryValue(l)}`) }, { weight: 1, arbitrary: fc.constantFrom('', '?label=', '?label', '?label=a&label=b', '?id=1') })
  const info = fc.tuple(index, fc.constantFrom('', '/')).map(([name, tail]) => ({ kind: 'gallery info', method: 'GET' as const, path: `/gallery/${name}${tail}`, headers: {}, body: new Uint8Array() }))
  const add = fc.tuple(addBodies(inputs, labelQuery), common).map(([a, h]) => ({
    kind: a.kind, method: 'POST' as const, path: a.path, headers: headers({ 'content-type': a.type, authorization: h.authorization, 'x-deadline-ms': h.deadline }), body: a.body,
  }))
  const remove = (what: string, suffix: fc.Arbitrary<string>) => fc.tuple(index, suffix, common).map(([name, tail, h]) => ({
    kind: `gallery remove ${what}`, method: 'DELETE' as const, path: `/gallery/${name}/items${tail}`, headers: headers({ authorization: h.authorization, 'x-deadline-ms': h.deadline }), body: new Uint8Array(),
  }))
  const wrongRoute = fc.tuple(index, fc.constantFrom('PUT /items', 'GET /items', 'GET /items/1', 'POST /items/1', 'PUT /items/1', 'DELETE ', 'POST ', 'DELETE /items/', 'POST /items/'), authorizationArb)
    .map(([name, route, authorization]) => {
      const [method, suffix] = route.split(' ') as [FuzzRequest['method'], string]
      return { kind: 'gallery wrong route', method, path: `/gallery/${name}${suffix}`, headers: headers({ authorization }), body: method === 'GET' ? new Uint8Array() : enc('{"label": "x"}') }
    })
  return fc.oneof(
    { weight: 2, arbitrary: info }, { weight: 6, arbitrary: add }, { weight: 3, arbitrary: remove('id', pathIdArb.map((id) => `/${id}`)) }, { weight: 3, arbitrary: remove('label', labelQuery) },
    { weight: 1, arbitrary: wrongRoute },
  )
}

/** `imageLabelPairs` as raw JSON: mostly well-formed lists, else any value, an empty list, one pair too many. */
function pairsArb({ seed, own, b64 }: Inputs) {
  const base64 = (bytes: Uint8Array) => JSON.stringify(Buffer.from(bytes).toString('base64'))
  const goodPair = fc.tuple(own, fc.constantFrom(...SEED_LABELS, 'fuzz-a', '新品')).map(([img, label]) => ({ what: img.what, raw: objectText([['image', base64(img.bytes)], ['label', JSON.stringify(label)]]) }))
  const pair = fc.oneof(
    { weight: 6, arbitrary: goodPair },
    { weight: 4, arbitrary: fc.tuple(b64, labelJsonArb).map(([img, label]) => ({ what: img.what, raw: objectText([['image', img.raw], ['label', label]]) })) },
    { weight: 1, arbitrary: fc.tuple(b64, labelJsonArb, rawJsonValue).map(([img, label, extra]) => ({ what: `${img.what} + extra`, raw: objectText([['image', img.raw], ['label', label], ['extra', extra]]) })) },
    { weight: 1, arbitrary: fc.constantFrom('{}', '{"image": "aGVsbG8="}', '{"label": "x"}', 'null', '"x"', '[]').map((raw) => ({ what: raw, raw })) },
  )
  const tooMany = { what: '17 pairs', raw: `[${Array.from({ length: 17 }, (_, i) => objectText([['image', base64(seed[i % Math.max(1, seed.length)]?.png ?? new Uint8Array())], ['label', '"x"']])).join(', ')}]` }
  return fc.oneof(
    { weight: 8, arbitrary: fc.array(pair, { minLength: 1, maxLength: 3 }).map((list) => ({ what: list.map((p) => p.what).join(' + '), raw: `[${list.map((p) => p.raw).join(', ')}]` })) },
    { weight: 1, arbitrary: rawJsonValue.map((raw) => ({ what: 'pairs as a value', raw })) },
    { weight: 1, arbitrary: fc.constant({ what: 'no pairs', raw: '[]' }) },
    { weight: 1, arbitrary: fc.constant(tooMany) },
  )
}

/** PaddleX's /shitu-infer and index operations; unclean ones may lose a field, gain an unknown one, or have their JSON mutated. */
function shituOperations(inputs: Inputs): fc.Arbitrary<FuzzRequest> {
  const pairs = pairsArb(inputs)
  const score = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('0', '0.2', '0.5', '1', 'null', '-0.1', '1.5') }, { weight: 1, arbitrary: rawJsonValue })
  const topk = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('1', '5', '50', '51', '0', 'null') }, { weight: 1, arbitrary: rawJsonValue })
  type Operation = { what: string; path: string; entries: Array<[string, string]> }
  const infer = fc.tuple(inputs.b64, someFields([['indexKey', indexKeyJsonArb], ['detThreshold', score], ['recThreshold', score], ['topk', topk],
    ['hammingRadius', fc.constantFrom('null', 'null', 'null', '0', '3')], ['visualize', fc.constantFrom('false', 'false', 'false', 'true', 'null', '"yes"')]]))
    .map(([img, fields]): Operation => ({ what: `infer, ${img.what}`, path: '/shitu-infer', entries: [['image', img.raw], ...fields] }))
  const build = pairs.map((p): Operation => ({ what: `build, ${p.what}`, path: '/shitu-index-build', entries: [['imageLabelPairs', p.raw]] }))
  const add = fc.tuple(pairs, indexKeyJsonArb).map(([p, key]): Operation => ({ what: `add, ${p.what}`, path: '/shitu-index-add', entries: [['imageLabelPairs', p.raw], ['indexKey', key]] }))
  const remove = fc.tuple(idsJsonArb, indexKeyJsonArb).map(([ids, key]): Operation => ({ what: 'remove', path: '/shitu-index-remove', entries: [['ids', ids], ['indexKey', key]] }))
  const unknown = fc.tuple(fc.constantFrom('indexkey', 'ids ', 'file', '__proto__', 'logId'), rawJsonValue)
  return fc
    .tuple(fc.oneof({ weight: 3, arbitrary: infer }, { weight: 1, arbitrary: build }, { weight: 3, arbitrary: add }, { weight: 3, arbitrary: remove }),
      rarely(unknown, 8), rarely(fc.nat({ max: 2 }), 6), jsonMutationArb, contentTypeArb('application/json'), inputs.common)
    .map(([op, extra, drop, mutation, type, h]) => {
      const entries = h.clean ? op.entries : [...op.entries.filter((_, i) => i !== drop), ...(extra ? [extra] : [])]
      const body = h.clean ? objectText(entries) : mutation(objectText(entries))
      return {
        kind: `paddlex shitu ${op.what}`, method: 'POST', path: op.path,
        headers: headers({ 'content-type': h.clean ? 'application/json' : type, authorization: h.authorization, 'x-deadline-ms': h.deadline }), body: enc(body),
      }
    })
}

export function galleryFamilies(image: fc.Arbitrary<ImageCase>, seed: readonly SeedItem[]) {
  const inputs = galleryInputs(image, seed)
  return { gallery: galleryApi(inputs), shitu: shituOperations(inputs) }
}
