/**
 * Reads the images and options of a request in any of the accepted forms:
 * - raw bytes with `Content-Type: image/*` (or application/octet-stream), options in the query;
 * - multipart/form-data: every file part is an image, other fields are options;
 * - JSON `{"image": "<base64>"}` or `{"images": [...]}`, other keys are options.
 * Query parameters are options in every form. The server never looks inside the images.
 */
import type { HonoRequest } from 'hono'
import { InvalidInput, UnsupportedMediaType } from '../engine/errors.js'
import { clipText } from '../util/quote.js'
import { decodeBase64 } from './base64.js'
import { checkJsonDepth, checkMultipartParts, checkTextField } from './input-limits.js'

export interface ImageRequest {
  readonly images: Uint8Array[]
  readonly options: Record<string, unknown>
}

const SUPPORTED = 'send the image as image/* bytes, multipart/form-data, or JSON {"image": "<base64>"}'

/**
 * An own property even for the key `__proto__`, which plain assignment would take as the object's
 * prototype: the option schema must see it, and refuse it as unknown, like any other key.
 */
function setOption(options: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(options, key, { value, enumerable: true, writable: true, configurable: true })
}

function queryOptions(req: HonoRequest): Record<string, unknown> {
  const options: Record<string, unknown> = {}
  for (const [key, values] of Object.entries(req.queries())) setOption(options, key, values[values.length - 1])
  return options
}

async function fromRawBytes(req: HonoRequest): Promise<Uint8Array[]> {
  const bytes = new Uint8Array(await req.arrayBuffer())
  if (bytes.byteLength === 0) throw new InvalidInput(`request body is empty; ${SUPPORTED}`)
  return [bytes]
}

async function fromMultipart(req: HonoRequest, options: Record<string, unknown>, maxImages: number): Promise<Uint8Array[]> {
  // parseBody reads the body hono cached here; counting parts first keeps a body of 100,000 tiny
  // parts from blocking the event loop in the parser.
  checkMultipartParts(new Uint8Array(await req.arrayBuffer()), req.header('content-type') ?? '', maxImages)
  let form: Record<string, unknown>
  try {
    form = await req.parseBody({ all: true })
  } catch (error) {
    throw new InvalidInput(`malformed multipart body: ${(error as Error).message}`, { cause: error })
  }
  const images: Uint8Array[] = []
  for (const [key, value] of Object.entries(form)) {
    for (const part of Array.isArray(value) ? value : [value]) {
      if (part instanceof File) {
        if (part.size === 0) throw new InvalidInput(`file "${clipText(part.name || key)}" is empty`)
        images.push(new Uint8Array(await part.arrayBuffer()))
      } else {
        checkTextField(key, String(part))
        setOption(options, key, part)
      }
    }
  }
  if (images.length === 0) throw new InvalidInput('multipart body has no file part; attach the image as a file')
  return images
}

function fromJson(body: unknown, options: Record<string, unknown>): Uint8Array[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidInput('JSON body must be an object like {"image": "<base64>"} or {"images": ["<base64>", ...]}')
  }
  const { image, images, ...rest } = body as Record<string, unknown>
  for (const [key, value] of Object.entries(rest)) setOption(options, key, value)
  if (image !== undefined && images !== undefined) throw new InvalidInput('JSON body has both "image" and "images"; send one')
  if (image !== undefined) {
    if (typeof image !== 'string') throw new InvalidInput('"image" must be a base64 string')
    return [decodeBase64(image, '"image"')]
  }
  if (images !== undefined) {
    if (!Array.isArray(images) || images.length === 0) throw new InvalidInput('"images" must be a non-empty array of base64 strings')
    return images.map((item, i) => {
      if (typeof item !== 'string') throw new InvalidInput(`"images[${i}]" must be a base64 string`)
      return decodeBase64(item, `"images[${i}]"`)
    })
  }
  throw new InvalidInput('JSON body has no "image" or "images" field')
}

async function parseJson(req: HonoRequest): Promise<unknown> {
  const text = await req.text()
  if (text.trim() === '') throw new InvalidInput(`request body is empty; ${SUPPORTED}`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new InvalidInput(`body is not valid JSON: ${(error as Error).message}`, { cause: error })
  }
  checkJsonDepth(value)
  return value
}

export async function readImageRequest(req: HonoRequest, maxImages: number): Promise<ImageRequest> {
  const options = queryOptions(req)
  const contentType = req.header('content-type')
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  let images: Uint8Array[]
  if (mime.startsWith('image/') || mime === 'application/octet-stream') images = await fromRawBytes(req)
  else if (mime === 'multipart/form-data') images = await fromMultipart(req, options, maxImages)
  else if (mime === 'application/json') images = fromJson(await parseJson(req), options)
  else {
    // An empty body is the more useful message whatever type it was labelled with.
    const body = await req.arrayBuffer()
    if (body.byteLength === 0) throw new InvalidInput(`request body is empty; ${SUPPORTED}`)
    const what = mime === '' ? 'request has no Content-Type' : `Content-Type ${clipText(mime)} is not supported`
    throw new UnsupportedMediaType(`${what}; ${SUPPORTED}`)
  }
  if (images.length > maxImages) {
    throw new InvalidInput(`request has ${images.length} images; at most ${maxImages} are accepted per request`)
  }
  return { images, options }
}
