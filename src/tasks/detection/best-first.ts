/**
 * Takes items best first, lazily: a binary heap costs O(n) to build and O(log n) per item taken,
 * against O(n log n) for sorting everything when only the first few hundred are wanted.
 */
export function bestFirst<T>(items: T[], before: (a: T, b: T) => boolean): () => T | undefined {
  const heap = items // reordered in place
  let size = heap.length
  const siftDown = (from: number) => {
    for (let i = from; ; ) {
      const left = 2 * i + 1
      const right = left + 1
      let top = i
      if (left < size && before(heap[left]!, heap[top]!)) top = left
      if (right < size && before(heap[right]!, heap[top]!)) top = right
      if (top === i) return
      ;[heap[i], heap[top]] = [heap[top]!, heap[i]!]
      i = top
    }
  }
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(i)
  return () => {
    if (size === 0) return undefined
    const best = heap[0]!
    heap[0] = heap[--size]!
    siftDown(0)
    return best
  }
}
