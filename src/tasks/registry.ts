/**
 * The task registry: every task the server knows, one line each. serving.yml's `services:`
 * schema, the composition root, readiness and the HTTP routes are derived from this list, and
 * code that names a task's config (`config.services.ocr`) compiles only while the task is here.
 */
import { classifyTask } from './classification/classify-task.js'
import { ocrTask } from './ocr/ocr-task.js'
import { recognizeTask } from './recognition/recognize-task.js'
import type { ManifestSection } from '../runtime/manifest-sections.js'
import type { AnyTask } from './task.js'

export const TASKS = [ocrTask, classifyTask, recognizeTask] as const satisfies readonly AnyTask[]

export type BuiltinTask = (typeof TASKS)[number]

/** The manifest sections the given tasks own, for checking model packages at load. */
export function manifestSectionsOf(tasks: readonly AnyTask[]): ManifestSection[] {
  return tasks.flatMap((task) => task.manifestSections ?? [])
}
