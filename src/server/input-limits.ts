/**
 * Limits on the shape of request bodies, checked before anything walks them: JSON nesting depth
 * (option parsing, messages and tensor flattening recurse, and 100,000 levels overflow the stack)
 * and the number of multipart parts (parsing 100,000 parts blocks the event loop for seconds).
 */
import { clipText } from '../util/quote.js'
import { InvalidInput } from '../engine/errors.js'

/** Deepest JSON nesting accepted; real requests (PaddleX, KServe nested data) stay far below it. */
export const MAX_JSON_DEPTH = 64

/**
 * InvalidInput when a parsed JSON value nests deeper than MAX_JSON_DEPTH (arrays and objects).
 * Iterative, and it stops at the first node past the limit, so it cannot overflow itself.
 */
export function checkJsonDepth(value: unknown, what = 'the JSON body'): void {
  const stack: Array<[object, number]> = value !== null && typeof value === 'object' ? [[value, 1]] : []
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!
    if (depth > MAX_JSON_DEPTH) {
      throw new InvalidInput(`${what} is nested more than ${MAX_JSON_DEPTH} levels deep (the limit for arrays and objects); send a flatter value`)
    }
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1])
    }
  }
}

/** Form fields a multipart body may carry beside its files (options, a label): a few dozen at most. */
export const MAX_FORM_FIELDS = 32

function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  return match?.[1] ?? match?.[2]
}

/**
 * Refuses a multipart body with more than `maxFiles` + MAX_FORM_FIELDS parts, counted as boundary
 * delimiters in the raw bytes (native search, stops at the limit) before the parser sees them.
 * A body without a boundary is left to the parser to explain.
 */
export function checkMultipartParts(body: Uint8Array, contentType: string, maxFiles: number): void {
  const boundary = boundaryOf(contentType)
  if (!boundary) return
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const delimiter = Buffer.from(`--${boundary}`, 'latin1')
  const maxParts = maxFiles + MAX_FORM_FIELDS
  // n parts take n + 1 delimiters (the last one closes the body).
  let delimiters = 0
  for (let at = bytes.indexOf(delimiter); at >= 0 && delimiters <= maxParts + 1; at = bytes.indexOf(delimiter, at + delimiter.length)) delimiters++
  if (delimiters > maxParts + 1) {
    throw new InvalidInput(
      `multipart body has more than ${maxParts} parts; at most ${maxFiles} files (limits.max_images_per_request) and ${MAX_FORM_FIELDS} other fields are accepted`,
    )
  }
}

const IMAGE_FIELDS = new Set(['image', 'images', 'file'])
// How image files begin once a text part decoded them as UTF-8 (invalid bytes → U+FFFD).
const IMAGE_TEXT = /^(?:data:image\/|\uFFFD\uFFFD\uFFFD|\uFFFDPNG|GIF8[79]a|RIFF[\s\S]{4}WEBP|II\*\0|MM\0\*)/

/** InvalidInput when a multipart text field holds an image (`-F image=<photo.jpg`, base64 in a field). */
export function checkTextField(name: string, value: string): void {
  if (!IMAGE_FIELDS.has(name) && !IMAGE_TEXT.test(value.slice(0, 16))) return
  throw new InvalidInput(
    `multipart field "${clipText(name)}" is a text field, not a file: attach the image as a file (curl -F image=@photo.jpg), or send JSON {"image": "<base64>"}`,
  )
}
