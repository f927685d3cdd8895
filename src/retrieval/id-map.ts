/**
 * Maps faiss positions to gallery entries: entry i describes the vector at position i. Ids are
 * ours, stable and never reused (the next id only grows), because faiss-node cannot store ids
 * and a flat index renumbers positions on removal. Immutable: changes return a new IdMap.
 */
import { InvalidVectors } from './errors.js'

export interface GalleryItem {
  /** Image path relative to the gallery root, as in PaddleClas's data file. */
  readonly path: string
  readonly label: string
}

export interface GalleryEntry extends GalleryItem {
  readonly id: number
}

export class IdMap {
  private byId: Map<number, number> | undefined

  constructor(
    readonly entries: readonly GalleryEntry[],
    /** Greater than every id ever handed out, including removed ones. */
    readonly nextId: number,
  ) {}

  static empty(): IdMap {
    return new IdMap([], 0)
  }

  get size(): number {
    return this.entries.length
  }

  /** Position of an id, or undefined when it is not (or no longer) in the gallery. */
  positionOf(id: number): number | undefined {
    this.byId ??= new Map(this.entries.map((entry, position) => [entry.id, position]))
    return this.byId.get(id)
  }

  /** Appends items (their vectors go to the same new positions) and hands out fresh ids. */
  withAdded(items: readonly GalleryItem[]): { map: IdMap; ids: number[] } {
    const ids = items.map((_, i) => this.nextId + i)
    const added = items.map((item, i) => ({ id: ids[i]!, path: item.path, label: item.label }))
    return { map: new IdMap([...this.entries, ...added], this.nextId + items.length), ids }
  }

  /** Drops ids; the positions they had, for the vector index to remove the same rows. */
  withRemoved(ids: readonly number[]): { map: IdMap; positions: number[] } {
    const positions: number[] = []
    for (const id of new Set(ids)) {
      const position = this.positionOf(id)
      if (position === undefined) throw new InvalidVectors(`id ${id} is not in the gallery`)
      positions.push(position)
    }
    const gone = new Set(positions)
    const kept = this.entries.filter((_, position) => !gone.has(position))
    return { map: new IdMap(kept, this.nextId), positions }
  }
}
