import type { Point } from './image.js'

/**
 * cv::fillPoly(img, [pts], value) for one 8-bit single-channel image, integer vertices, LINE_8,
 * shift 0: the outline is drawn with Bresenham lines and the inside filled scanline by scanline
 * (CollectPolyEdges + FillEdgeCollection). Which boundary pixels are in decides box scores.
 */
const XY_SHIFT = 16
const XY_ONE = 65536
const INT_MAX = 2147483647

interface PolyEdge {
  y0: number
  y1: number
  x: number
  dx: number
  next: PolyEdge | null
}

export function fillPolygon(mask: Uint8Array, width: number, height: number, points: readonly Point[], value: number): void {
  const n = points.length
  if (n === 0) return
  const edges: PolyEdge[] = []
  let p0x = points[n - 1][0]
  let p0y = points[n - 1][1]
  for (let i = 0; i < n; i++) {
    const p1x = points[i][0]
    const p1y = points[i][1]
    drawLine(mask, width, height, p0x, p0y, p1x, p1y, value)
    const t = { x1: p0x, y1: p0y, x2: p1x, y2: p1y }
    let c0y = p0y
    let c1y = p1y
    if (!inside(t.x1, t.y1, width, height) || !inside(t.x2, t.y2, width, height)) {
      clipLine(width, height, t)
      if (t.y1 !== t.y2) {
        c0y = t.y1
        c1y = t.y2
      }
    }
    const c0x = t.x1 * XY_ONE
    const c1x = t.x2 * XY_ONE
    if (p0y !== p1y) {
      const dx = Math.trunc((c1x - c0x) / (c1y - c0y))
      if (p0y < p1y) edges.push({ y0: p0y, y1: p1y, x: c0x + (p0y - c0y) * dx, dx, next: null })
      else edges.push({ y0: p1y, y1: p0y, x: c1x + (p1y - c1y) * dx, dx, next: null })
    }
    p0x = p1x
    p0y = p1y
  }
  fillEdges(mask, width, height, edges, value)
}

function inside(x: number, y: number, w: number, h: number): boolean {
  return x >= 0 && x < w && y >= 0 && y < h
}

/** FillEdgeCollection: active-edge scanline fill, ceil(left) .. floor(right) per row. */
function fillEdges(mask: Uint8Array, w: number, h: number, edges: PolyEdge[], value: number): void {
  const total = edges.length
  if (total < 2) return
  let yMin = INT_MAX, yMax = -INT_MAX - 1, xMin = Infinity, xMax = -1
  for (const e of edges) {
    const x1 = e.x + (e.y1 - e.y0) * e.dx
    yMin = Math.min(yMin, e.y0)
    yMax = Math.max(yMax, e.y1)
    xMin = Math.min(xMin, e.x, x1)
    xMax = Math.max(xMax, e.x, x1)
  }
  if (yMax < 0 || yMin >= h || xMax < 0 || xMin >= w * XY_ONE) return
  edges.sort((a, b) => a.y0 - b.y0 || a.x - b.x || a.dx - b.dx)
  edges.push({ y0: INT_MAX, y1: 0, x: 0, dx: 0, next: null })
  const head: PolyEdge = { y0: INT_MAX, y1: 0, x: 0, dx: 0, next: null }
  let i = 0
  let e = edges[0]
  yMax = Math.min(yMax, h)
  for (let y = e.y0; y < yMax; y++) {
    let prelast: PolyEdge = head
    let last = head.next
    let keepPrelast: PolyEdge = head
    let draw = false
    while (last !== null || e.y0 === y) {
      if (last !== null && last.y1 === y) {
        prelast.next = last.next // the edge ends on this row
        last = last.next
        continue
      }
      keepPrelast = prelast
      if (last !== null && (e.y0 > y || last.x < e.x)) {
        prelast = last
        last = last.next
      } else if (i < total) {
        prelast.next = e // the edge starts on this row
        e.next = last
        prelast = e
        e = edges[++i]
      } else {
        break
      }
      if (draw) {
        if (y >= 0) {
          const [l, r] = keepPrelast.x > prelast.x ? [prelast, keepPrelast] : [keepPrelast, prelast]
          let x1 = Math.floor((l.x + XY_ONE - 1) / XY_ONE)
          let x2 = Math.floor(r.x / XY_ONE)
          if (x1 < w && x2 >= 0) {
            if (x1 < 0) x1 = 0
            if (x2 >= w) x2 = w - 1
            mask.fill(value, y * w + x1, y * w + x2 + 1)
          }
        }
        keepPrelast.x += keepPrelast.dx
        prelast.x += prelast.dx
      }
      draw = !draw
    }
    sortActive(head)
  }
}

/** The bubble sort FillEdgeCollection runs on the active list after each row. */
function sortActive(head: PolyEdge): void {
  let keepPrelast: PolyEdge | null = null
  do {
    let prelast = head
    let last = head.next
    let lastExchange: PolyEdge | null = null
    while (last !== null && last !== keepPrelast && last.next !== null) {
      const te: PolyEdge = last.next
      if (last.x > te.x) {
        prelast.next = te
        last.next = te.next
        te.next = last
        prelast = te
        lastExchange = prelast
      } else {
        prelast = last
        last = te
      }
    }
    if (lastExchange === null) break
    keepPrelast = lastExchange
  } while (keepPrelast !== head.next && keepPrelast !== head)
}

/** cv::Line with an 8-connected LineIterator (left to right), clipped to the image. */
function drawLine(mask: Uint8Array, w: number, h: number, ax: number, ay: number, bx: number, by: number, value: number): void {
  const t = { x1: ax, y1: ay, x2: bx, y2: by }
  if (!inside(ax, ay, w, h) || !inside(bx, by, w, h)) {
    if (!clipLine(w, h, t)) return
  }
  let dx = t.x2 - t.x1
  let dy = t.y2 - t.y1
  let x = t.x1
  let y = t.y1
  if (dx < 0) {
    dx = -dx
    dy = -dy
    x = t.x2
    y = t.y2
  }
  let stepY = 1
  if (dy < 0) {
    dy = -dy
    stepY = -1
  }
  const vert = dy > dx
  if (vert) [dx, dy] = [dy, dx]
  let err = dx - (dy + dy)
  const plusDelta = dx + dx
  const minusDelta = -(dy + dy)
  for (let i = 0; i <= dx; i++) {
    mask[y * w + x] = value
    const minor = err < 0
    err += minusDelta + (minor ? plusDelta : 0)
    if (vert) {
      y += stepY
      if (minor) x += 1
    } else {
      x += 1
      if (minor) y += stepY
    }
  }
}

/** cv::clipLine (Cohen–Sutherland as OpenCV writes it); updates `t` in place. */
function clipLine(w: number, h: number, t: { x1: number; y1: number; x2: number; y2: number }): boolean {
  if (w <= 0 || h <= 0) return false
  const right = w - 1
  const bottom = h - 1
  const code = (x: number, y: number): number => +(x < 0) + +(x > right) * 2 + +(y < 0) * 4 + +(y > bottom) * 8
  let c1 = code(t.x1, t.y1)
  let c2 = code(t.x2, t.y2)
  if ((c1 & c2) === 0 && (c1 | c2) !== 0) {
    if (c1 & 12) {
      const a = c1 < 8 ? 0 : bottom
      t.x1 += Math.trunc(((a - t.y1) * (t.x2 - t.x1)) / (t.y2 - t.y1))
      t.y1 = a
      c1 = +(t.x1 < 0) + +(t.x1 > right) * 2
    }
    if (c2 & 12) {
      const a = c2 < 8 ? 0 : bottom
      t.x2 += Math.trunc(((a - t.y2) * (t.x2 - t.x1)) / (t.y2 - t.y1))
      t.y2 = a
      c2 = +(t.x2 < 0) + +(t.x2 > right) * 2
    }
    if ((c1 & c2) === 0 && (c1 | c2) !== 0) {
      if (c1) {
        const a = c1 === 1 ? 0 : right
        t.y1 += Math.trunc(((a - t.x1) * (t.y2 - t.y1)) / (t.x2 - t.x1))
        t.x1 = a
        c1 = 0
      }
      if (c2) {
        const a = c2 === 1 ? 0 : right
        t.y2 += Math.trunc(((a - t.x2) * (t.y2 - t.y1)) / (t.x2 - t.x1))
        t.x2 = a
        c2 = 0
      }
    }
  }
  return (c1 | c2) === 0
}
