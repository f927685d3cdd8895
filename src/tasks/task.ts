/**
 * What a task is (ARCHITECTURE.md "Tasks, protocols, runtimes"): one folder under src/tasks/ that
 * exports one TaskDefinition. The config schema, the composition root, readiness and the HTTP
 * routes are all derived from the list in registry.ts, so adding a task never edits server/ or
 * config/.
 */
import type { Context, Hono } from 'hono'
import type { z } from 'zod'
import type { OpSettingsConfig } from '../config/op-settings.js'
import type { Engine } from '../engine/engine.js'
import type { Op, OpHandle } from '../engine/op.js'
import type { RequestContext } from '../engine/request-context.js'
import type { Model } from '../runtime/model.js'
import type { ModelRegistry } from '../runtime/model-registry.js'
import type { DecodeLimits, ImageSize } from '../vision/decode.js'
import type { ChannelOrder, Image } from '../vision/image.js'
import type { Overlay } from '../vision/overlay-svg.js'
import type { ManifestSection } from '../runtime/manifest-sections.js'
import type { TaskDocs } from './route-docs.js'

/** Every task's config section has `enabled`; the rest is the task's own. */
export type TaskSectionSchema = z.ZodType<{ enabled: boolean }, unknown>

/** A running task: what the shared request path calls for one request. */
export interface TaskService<Parsed, Options, Result> {
  /** Applies the configured defaults to options already checked against the task's optionsSchema. */
  resolveOptions(parsed: Parsed): Options
  /** Packages a request with these options needs; checked ready before any image is decoded. */
  modelsFor(options: Options): readonly string[]
  /** Channel order the request's images are decoded in. */
  readonly channelOrder: ChannelOrder
  /** The result for one decoded image. */
  run(image: Image, options: Options, ctx: RequestContext): Promise<Result>
  /**
   * Bytes `run` allocates for an image of this size beyond the decoded image itself (tensors and
   * crops that grow with the image or the options), reserved from the memory budget before
   * decoding (src/server/memory-admission.ts). Absent: only fixed-size buffers.
   */
  workingBytes?(size: ImageSize, options: Options): number
}

/** What a task's create() gets from the composition root. */
export interface TaskKit {
  readonly engine: Engine
  readonly registry: ModelRegistry
  readonly limits: DecodeLimits
  /** Loads a package with as many instances as its op runs at once (after `models.ops` overrides). */
  loadModel(name: string, ops: OpSettingsConfig): Promise<Model | undefined>
  /**
   * Registers an op over `model` with its configured scheduling (+ the package's `models.ops`
   * override), its batch size capped at the largest batch the model accepts.
   */
  registerOp<In, Item, ItemOut, Out>(op: Op<In, Item, ItemOut, Out>, model: Model, ops: OpSettingsConfig): OpHandle<In, Out>
}

/** What a task's extra (non-inference) routes get: the same request handling as inference routes. */
export interface RouteKit {
  readonly engine: Engine
  readonly limits: DecodeLimits
  /** Images and options in every accepted form (at most `max` images, default the configured limit). */
  readImages(c: Context, max?: number): Promise<{ images: Uint8Array[]; options: Record<string, unknown> }>
  /** Runs `work` as one engine request named `service`: deadline, disconnect, accounting, refused during shutdown. */
  serve<T>(c: Context, service: string, work: (ctx: RequestContext) => Promise<T>): Promise<T>
  /** Decodes one image, timed as the request's `decode` stage. */
  decode(bytes: Uint8Array, order: ChannelOrder, ctx: RequestContext): Promise<Image>
}

/** An inference route; its path parameters become options of the same name. */
export interface TaskRoute {
  readonly path: string
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the option and result types are read off each service */
export type ParsedOf<S> = S extends TaskService<infer P, any, any> ? P : never
export type OptionsOf<S> = S extends TaskService<any, infer O, any> ? O : never
export type ResultOf<S> = S extends TaskService<any, any, infer R> ? R : never
export type AnyService = TaskService<any, any, any>
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface TaskDefinition<Name extends string = string, Section extends TaskSectionSchema = TaskSectionSchema, Service extends AnyService = AnyService> {
  /** Key under `services:` in serving.yml, and the service name in traces. */
  readonly name: Name
  /** How messages name it ("OCR is not ready: ..."). */
  readonly title: string
  readonly config: Section
  /** Environment variables that override keys of this section (applied before validation). */
  readonly env?: Readonly<Record<string, readonly string[]>>
  /** Manifest pre/postprocess sections this task owns (e.g. Topk); unknown ones fail a package's load. */
  readonly manifestSections?: readonly ManifestSection[]
  /** Every package the task loads with this config: pulled at start-up, listed by /readyz. */
  models(config: z.output<Section>): string[]
  create(config: z.output<Section>, kit: TaskKit): Promise<Service>
  /** Request options (query, form fields, JSON keys; strict: unknown keys are rejected). */
  readonly optionsSchema: z.ZodType<ParsedOf<Service>>
  readonly routes: readonly TaskRoute[]
  /** The JSON answer of the task's own routes. */
  format(results: ResultOf<Service>[], options: OptionsOf<Service>): unknown
  /**
   * How one image's result is drawn over it (request option `visualize`, PaddleX's result
   * images). A task without it cannot be asked to draw: `visualize` is then an unknown option.
   */
  overlay?(result: ResultOf<Service>, options: OptionsOf<Service>): Overlay
  /** Routes beyond inference (e.g. the gallery API), mounted beside the inference routes. */
  extraRoutes?(service: Service, kit: RouteKit, config: z.output<Section>): Hono
  /** Its part of the OpenAPI document; without it the inference routes are still listed, with their options. */
  readonly docs?: TaskDocs<z.output<Section>, Service>
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds tasks of every type
export type AnyTask = TaskDefinition<string, TaskSectionSchema, any>

/** Identity with inference: lets a task file state its types once. */
export function defineTask<Name extends string, Section extends TaskSectionSchema, Service extends AnyService>(
  definition: TaskDefinition<Name, Section, Service>,
): TaskDefinition<Name, Section, Service> {
  return definition
}
