/**
 * The galleries a server has opened, kept in step with their folders, which other processes (a
 * replica on shared storage, the index CLI) change too. Every `intervalMs` each gallery's CURRENT
 * is read, and at once when fs.watch reports a change (a hint only: it misses changes made
 * from other hosts on network storage, so the polling is the guarantee). A newer generation is
 * loaded and swapped in whole, a rebuilt folder reopened, a removed one forgotten. Searches keep
 * the state they started with, and a lookup does no I/O.
 */
import { watch, type FSWatcher } from 'node:fs'
import path from 'node:path'
import { NotFound } from '../../engine/errors.js'
import { log } from '../../util/log.js'
import { folderIdOf, galleryExists, RecognitionGallery } from './gallery.js'

export class OpenGalleries {
  readonly #opening = new Map<string, Promise<RecognitionGallery>>()
  readonly #opened = new Map<string, RecognitionGallery>()
  readonly #watchers = new Map<string, FSWatcher>()
  /** Per gallery, the sync running now: syncs of one gallery run one after another. */
  readonly #syncs = new Map<string, Promise<unknown>>()
  /** Per gallery, the last sync failure logged (logged again only when it changes). */
  readonly #failures = new Map<string, string>()
  readonly #timer: NodeJS.Timeout
  #polling = false

  constructor(
    private readonly indexesDir: string,
    intervalMs: number,
    private readonly openGallery: (dir: string) => Promise<RecognitionGallery> = (dir) => RecognitionGallery.open(dir),
  ) {
    this.#timer = setInterval(() => void this.#poll(), intervalMs)
    this.#timer.unref()
  }

  /** The gallery `name`, opened on first use; NotFound when its folder holds none. */
  get(name: string): Promise<RecognitionGallery> {
    let opening = this.#opening.get(name)
    if (!opening) {
      const dir = this.dirOf(name)
      if (!galleryExists(dir)) {
        throw new NotFound(`gallery index ${name} does not exist in ${this.indexesDir}/ (build it: npx ppserve index build --name ${name} ...)`)
      }
      opening = this.openGallery(dir)
      const mine = opening
      mine.then(
        (gallery) => {
          if (this.#opening.get(name) === mine) this.#install(name, gallery)
        },
        () => {
          if (this.#opening.get(name) === mine) this.#opening.delete(name) // a failed open may be retried later
        },
      )
      this.#opening.set(name, opening)
    }
    return opening
  }

  /** Makes `gallery` the open one of `name` (just created by this process). */
  set(name: string, gallery: RecognitionGallery): void {
    this.#opening.set(name, Promise.resolve(gallery))
    this.#install(name, gallery)
  }

  dirOf(name: string): string {
    return path.join(this.indexesDir, name)
  }

  /**
   * Brings an opened gallery up to date with its folder (the newest generation, a rebuilt folder
   * reopened, a removed one forgotten). Writers call it under the folder's lock, so they change
   * the latest state.
   */
  sync(name: string): Promise<void> {
    const run = this.#syncs.get(name) ?? Promise.resolve()
    const next = run.then(() => this.#syncOnce(name))
    const settled = next.catch(() => undefined)
    this.#syncs.set(name, settled)
    void settled.then(() => this.#syncs.get(name) === settled && this.#syncs.delete(name))
    return next
  }

  /** Items in each opened gallery, as of the generation loaded here. */
  sizes(): Map<string, number> {
    return new Map([...this.#opened].map(([name, gallery]) => [name, gallery.index.size]))
  }

  close(): void {
    clearInterval(this.#timer)
    for (const watcher of this.#watchers.values()) watcher.close()
    this.#watchers.clear()
  }

  async #syncOnce(name: string): Promise<void> {
    const current = this.#opened.get(name)
    if (!current) return
    const dir = this.dirOf(name)
    const folderId = await folderIdOf(dir)
    if (folderId === undefined || !galleryExists(dir)) return this.#forget(name)
    if (folderId !== current.folderId) {
      this.set(name, await this.openGallery(dir))
      log.info(`gallery ${name}: reopened, its folder was replaced by another process`)
    } else if (await current.index.refresh()) {
      log.debug(`gallery ${name}: loaded generation ${current.index.manifest.generation}, committed by another process`)
    }
  }

  async #poll(): Promise<void> {
    if (this.#polling) return // a slow load (a large gallery) is still running
    this.#polling = true
    try {
      for (const name of [...this.#opened.keys()]) {
        await this.sync(name).then(
          () => this.#failures.delete(name),
          (error: Error) => {
            // The generation loaded before keeps serving; a damaged new one is reported once.
            if (this.#failures.get(name) !== error.message) log.warn(`gallery ${name}: cannot load its new state: ${error.message}`)
            this.#failures.set(name, error.message)
          },
        )
      }
    } finally {
      this.#polling = false
    }
  }

  #install(name: string, gallery: RecognitionGallery): void {
    this.#opened.set(name, gallery)
    this.#watchers.get(name)?.close()
    this.#watchers.delete(name)
    try {
      const watcher = watch(gallery.index.dir, (_event, file) => {
        if (file === 'CURRENT') void this.sync(name).catch(() => undefined) // the next poll reports failures
      })
      watcher.on('error', () => watcher.close()) // polling carries on without the hint
      watcher.unref()
      this.#watchers.set(name, watcher)
    } catch {
      // Feature detection: some file systems cannot be watched; polling alone keeps the gallery current.
    }
  }

  #forget(name: string): void {
    this.#opening.delete(name)
    this.#opened.delete(name)
    this.#watchers.get(name)?.close()
    this.#watchers.delete(name)
  }
}
