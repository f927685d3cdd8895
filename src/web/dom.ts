/** Small DOM helpers: build elements from attributes and children, find the page's fixed elements. */

type Child = Node | string | number | null | undefined | false
type Attributes = Readonly<Record<string, string | number | boolean | undefined>>

/** An element with attributes (true = present, false/undefined = absent) and children (text is escaped). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue
    element.setAttribute(name, value === true ? '' : String(value))
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    element.append(typeof child === 'number' ? String(child) : child)
  }
  return element
}

/** The element with `id` of the given type; a missing one is a bug of index.html, so it throws. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id)
  if (!(element instanceof type)) throw new Error(`index.html has no <${type.name}> #${id}`)
  return element
}

/** Shows `text` in an alert element, or hides it for an empty text. */
export function showError(element: HTMLElement, text: string): void {
  element.textContent = text
  element.hidden = text === ''
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`
}

export function formatScore(score: number): string {
  return score.toFixed(4)
}
