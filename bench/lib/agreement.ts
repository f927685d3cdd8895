/**
 * How far two OCR systems agree on one image: lines with identical text, and characters, both
 * compared as multisets (whitespace ignored). The character measure is the fair one: the peer
 * merges the boxes of one row into a single line, and orders vertical text differently.
 */
export interface Agreement {
  readonly ours: number
  readonly peer: number
  readonly agreed: number
  /** Characters of the longer of the two texts. */
  readonly chars: number
  /** Characters both texts contain (multiset intersection). */
  readonly agreedChars: number
}

export function normalizeText(text: string): string {
  return text.trim()
}

function counts(items: Iterable<string>): Map<string, number> {
  const map = new Map<string, number>()
  for (const item of items) map.set(item, (map.get(item) ?? 0) + 1)
  return map
}

function intersectionSize(a: Iterable<string>, b: Iterable<string>): number {
  const remaining = counts(b)
  let shared = 0
  for (const item of a) {
    const left = remaining.get(item) ?? 0
    if (left > 0) {
      shared++
      remaining.set(item, left - 1)
    }
  }
  return shared
}

export function agreement(ours: readonly string[], peer: readonly string[]): Agreement {
  const characters = (lines: readonly string[]) => [...lines.join('').replace(/\s+/g, '')]
  const a = characters(ours)
  const b = characters(peer)
  return {
    ours: ours.length,
    peer: peer.length,
    agreed: intersectionSize(ours.map(normalizeText), peer.map(normalizeText)),
    chars: Math.max(a.length, b.length),
    agreedChars: intersectionSize(a, b),
  }
}
