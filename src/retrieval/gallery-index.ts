/**
 * A gallery index stored in a folder (index/NAME/): vectors in, labelled neighbours out.
 *
 * Every change (add, remove) is one durable generation: the new state is built beside the old
 * one (copy-on-write), written as a complete generation folder, made current by one atomic
 * rename, and only then swapped in memory as a single reference. Searches read whichever state
 * was current when they started, so they never see half of a change; changes run one at a time,
 * each on the latest generation. Writers in several processes must also hold the folder's lock.
 */
import { mkdir } from 'node:fs/promises'
import { log } from '../util/log.js'
import { IndexFileError, InvalidVectors } from './errors.js'
import type { GalleryManifest } from './gallery-format.js'
import { readSnapshot, writeSnapshotFiles } from './gallery-files.js'
import type { GallerySnapshot } from './gallery-files.js'
import { generationDir, readCurrent, removeOtherGenerations, switchCurrent, writeGeneration } from './generation-store.js'
import { IdMap } from './id-map.js'
import { calibrate, DEFAULT_CALIBRATION, sameSettings, type CalibrationSettings, type ScoreCalibration } from './score-calibration.js'
import type { GalleryEntry, GalleryItem } from './id-map.js'
import { checkRows } from './vector-rows.js'
import { VectorIndex } from './vector-index.js'
import type { VectorIndexSpec } from './vector-index.js'

export interface GalleryOptions extends VectorIndexSpec {
  /** Name of the feature extractor whose vectors the gallery holds (recorded in the manifest). */
  readonly model: string
  /** How each generation's acceptance threshold is fitted (score-calibration.ts). */
  readonly calibration?: CalibrationSettings | undefined
}

export interface GalleryHit extends GalleryEntry {
  /** faiss's score: inner product for IP (higher is closer), squared distance for L2 (lower is closer). */
  readonly score: number
}

/** Initial content for create(): vectors row-major, entries in the same order. */
export interface GallerySeed {
  readonly vectors: Float32Array
  readonly entries: readonly GalleryEntry[]
  readonly nextId: number
}

/** A reader may find an old generation deleted under it by a writer in another process; it retries. */
const LOAD_ATTEMPTS = 3

export class GalleryIndex {
  private writes: Promise<unknown> = Promise.resolve()

  private constructor(
    readonly dir: string,
    private state: GallerySnapshot,
    /** The settings this process fits with: its config's when given, else the generation's own. */
    readonly calibrationSettings: CalibrationSettings,
    /** The state's threshold under those settings; always replaced together with `state`. */
    private fit: ScoreCalibration,
  ) {}

  /** Creates a gallery in `dir` (refused when one exists) as generation 1, empty or seeded. */
  static async create(dir: string, options: GalleryOptions, seed?: GallerySeed): Promise<GalleryIndex> {
    if ((await readCurrent(dir)) !== null) throw new IndexFileError(`${dir} already holds a gallery index; open it, or delete the folder first`)
    let index = VectorIndex.empty(options)
    let idMap = IdMap.empty()
    if (seed) {
      const rows = checkRows(seed.vectors, options.dim, 'seed vectors')
      if (rows !== seed.entries.length) throw new InvalidVectors(`seed has ${rows} vectors but ${seed.entries.length} entries`)
      index = index.withAdded(seed.vectors)
      idMap = new IdMap(seed.entries, seed.nextId)
    }
    await mkdir(dir, { recursive: true })
    const settings = options.calibration ?? DEFAULT_CALIBRATION
    const { snapshot, calibration } = await commit(dir, 1, options.model, index, idMap, settings)
    return new GalleryIndex(dir, snapshot, settings, calibration)
  }

  /** Opens the current generation of the gallery in `dir`, checking it (see gallery-files). */
  static async open(dir: string, calibration?: CalibrationSettings): Promise<GalleryIndex> {
    const loaded = await loadCurrent(dir)
    if (!loaded) throw new IndexFileError(`${dir} has no CURRENT file: it is not a gallery index, or its creation was interrupted (create it again)`)
    const settings = calibration ?? loaded.manifest.calibration?.settings ?? DEFAULT_CALIBRATION
    return new GalleryIndex(dir, loaded, settings, await fitOf(loaded, settings))
  }

  get manifest(): GalleryManifest {
    return this.state.manifest
  }

  get size(): number {
    return this.state.idMap.size
  }

  /** Entries in faiss position order. */
  get entries(): readonly GalleryEntry[] {
    return this.state.idMap.entries
  }

  /** The current state as one value (for a search worker, or to compare generations). */
  snapshot(): GallerySnapshot {
    return this.state
  }

  /** Whether another process has committed a newer generation than the one loaded here. */
  async isStale(): Promise<boolean> {
    return (await readCurrent(this.dir)) !== this.state.manifest.generation
  }

  /**
   * Loads the generation another process (a replica, the index CLI) committed, when CURRENT names
   * a newer one than this copy holds; true when it did. Searches running keep the state they
   * started with. Only ever moves forward, so a slow refresh cannot undo a later commit.
   */
  async refresh(): Promise<boolean> {
    const onDisk = await readCurrent(this.dir)
    if (onDisk === null || onDisk <= this.state.manifest.generation) return false
    const loaded = await loadCurrent(this.dir)
    // A concurrent refresh or commit may have moved further during the load, or during the refit
    // (seconds on a large gallery, so not started for a generation already passed).
    if (!loaded || loaded.manifest.generation <= this.state.manifest.generation) return false
    const fit = await fitOf(loaded, this.calibrationSettings)
    if (loaded.manifest.generation <= this.state.manifest.generation) return false
    this.state = loaded
    this.fit = fit
    return true
  }

  /**
   * The current generation's acceptance threshold under this copy's settings: as recorded, or
   * refitted when the generation was loaded if it recorded other settings (or none: older ones).
   */
  scoreCalibration(): ScoreCalibration {
    return this.fit
  }

  /** Nearest gallery entries for each query (queries row-major, n × dim), best first. */
  async search(queries: Float32Array, k: number): Promise<GalleryHit[][]> {
    const { index, idMap } = this.state // one state for the whole search
    const results = await index.search(queries, k)
    return results.map((hits) => hits.map(({ position, score }) => ({ ...idMap.entries[position]!, score })))
  }

  /** Adds vectors (row-major) with their items; resolves to their new ids once durable. */
  add(vectors: Float32Array, items: readonly GalleryItem[]): Promise<number[]> {
    return this.change((state) => {
      const rows = checkRows(vectors, state.manifest.dim, 'vectors to add')
      if (rows !== items.length) throw new InvalidVectors(`${rows} vectors but ${items.length} items`)
      const { map, ids } = state.idMap.withAdded(items)
      return { index: state.index.withAdded(vectors), idMap: map, result: ids }
    })
  }

  /** Removes entries by id (an unknown id fails the whole call); resolves once durable. */
  async remove(ids: readonly number[]): Promise<number> {
    return (await this.removeSelected(() => ids)).length
  }

  /**
   * Removes the entries `select` picks from the latest entries (picked inside the change, so
   * from the generation the change builds on); resolves to the removed entries once durable.
   */
  removeSelected(select: (entries: readonly GalleryEntry[]) => readonly number[]): Promise<GalleryEntry[]> {
    return this.change((state) => {
      const ids = select(state.idMap.entries)
      const { map, positions } = state.idMap.withRemoved(ids)
      return { index: state.index.withRemoved(positions), idMap: map, result: positions.map((p) => state.idMap.entries[p]!) }
    })
  }

  /**
   * Runs changes one at a time: each builds on the latest committed generation, this process's or
   * another's (loaded first), so no writer loses another's change. Across processes that holds
   * when every writer holds the folder's lock (src/retrieval/folder-lock.ts) around its change.
   */
  private change<T>(build: (state: GallerySnapshot) => { index: VectorIndex; idMap: IdMap; result: T }): Promise<T> {
    const run = async () => {
      await this.refresh()
      const { manifest } = this.state
      const onDisk = await readCurrent(this.dir)
      if (onDisk !== manifest.generation) {
        // An older or missing generation: the folder was replaced (index build --force) or removed.
        throw new IndexFileError(`${this.dir} was replaced by another process (generation ${onDisk} on disk, ${manifest.generation} here); reopen it and retry`)
      }
      const next = build(this.state)
      const { snapshot, calibration } = await commit(this.dir, manifest.generation + 1, manifest.model, next.index, next.idMap, this.calibrationSettings)
      this.state = snapshot
      this.fit = calibration
      return next.result
    }
    const done = this.writes.then(run, run)
    this.writes = done.catch(() => undefined) // the caller gets the error; the queue goes on
    return done
  }
}

/** The checked snapshot CURRENT names (null without CURRENT), retried when a writer deletes it while it is read. */
async function loadCurrent(dir: string): Promise<GallerySnapshot | null> {
  for (let attempt = 1; ; attempt++) {
    const generation = await readCurrent(dir)
    if (generation === null) return null
    try {
      return await readSnapshot(generationDir(dir, generation), generation)
    } catch (error) {
      const vanished = (error as NodeJS.ErrnoException).code === 'ENOENT' && (await readCurrent(dir)) !== generation
      if (!vanished || attempt === LOAD_ATTEMPTS) throw error
    }
  }
}

/** The calibration of `snapshot` under `settings`: the recorded one when it was fitted with them. */
async function fitOf(snapshot: GallerySnapshot, settings: CalibrationSettings): Promise<ScoreCalibration> {
  const recorded = snapshot.manifest.calibration
  if (recorded && sameSettings(recorded.settings, settings)) return recorded
  return calibrate(snapshot.index, snapshot.idMap.entries.map((e) => e.label), settings)
}

/** Writes generation `generation`, makes it current, then removes the others. */
async function commit(dir: string, generation: number, model: string, index: VectorIndex, idMap: IdMap, settings: CalibrationSettings): Promise<{ snapshot: GallerySnapshot; calibration: ScoreCalibration }> {
  // A refit on every change: a k-NN search of up to 2,000 items (≈ 30 ms for the 1,068 of the drink gallery, Flat).
  const calibration = await calibrate(index, idMap.entries.map((e) => e.label), settings)
  let manifest: GalleryManifest | undefined
  await writeGeneration(dir, generation, async (genDir) => {
    manifest = await writeSnapshotFiles(genDir, { generation, model, index, idMap, calibration })
  })
  await switchCurrent(dir, generation)
  try {
    await removeOtherGenerations(dir, generation)
  } catch (error) {
    // The change is committed; a leftover old folder only costs disk until the next change.
    log.warn('gallery: could not remove old generations', { dir, error: (error as Error).message })
  }
  return { snapshot: { manifest: manifest!, index, idMap }, calibration }
}
