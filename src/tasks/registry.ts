/**
 * The task registry: every task the server knows, one line each. serving.yml's `services:`
 * schema, the composition root, readiness and the HTTP routes are derived from this table. Each
 * key must be its definition's name (a mismatch does not compile), and code that names a task's
 * config (`config.services.ocr`) compiles only while the task is here.
 */
import type { ManifestSection } from '../runtime/manifest-sections.js'
import { classifyTask } from './classification/classify-task.js'
import { ocrTask } from './ocr/ocr-task.js'
import { recognizeTask } from './recognition/recognize-task.js'
import type { AnyService, AnyTask, TaskDefinition, TaskSectionSchema } from './task.js'

function taskTable<T extends { readonly [K in keyof T]: TaskDefinition<K & string, TaskSectionSchema, AnyService> }>(table: T): T {
  return table
}

export const TASK_TABLE = taskTable({
  ocr: ocrTask,
  classify: classifyTask,
  recognize: recognizeTask,
})

export type BuiltinTask = (typeof TASK_TABLE)[keyof typeof TASK_TABLE]

/** The registry's tasks, in the order their routes are mounted. */
export const TASKS: readonly BuiltinTask[] = Object.values(TASK_TABLE)

/** The manifest sections the given tasks own, for checking model packages at load. */
export function manifestSectionsOf(tasks: readonly AnyTask[]): ManifestSection[] {
  return tasks.flatMap((task) => task.manifestSections ?? [])
}
