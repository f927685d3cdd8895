/**
 * A small extra task defined outside src/, registered through the public task mechanism: it
 * sends each image's size and mean colour through a fake model that echoes its input, so a test
 * can check the whole request path (options, readiness, engine, decode, formatting) exactly.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { opSettingsSchema } from '../../../src/config/op-settings.js'
import type { OpHandle } from '../../../src/engine/op.js'
import type { SessionFactory } from '../../../src/runtime/model-registry.js'
import type { ModelSession } from '../../../src/runtime/session.js'
import { numeric } from '../../../src/tasks/option-schema.js'
import { defineTask, type TaskService } from '../../../src/tasks/task.js'
import type { Image } from '../../../src/vision/image.js'

export const ECHO_MODEL = 'echo_model'
const VALUES = 5 // width, height, mean R, G, B

const EchoConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  model: z.string().default(ECHO_MODEL),
  ops: opSettingsSchema({ batch_size: 4, batch_timeout_ms: 5, concurrency: 1, queue_size: 16 }),
})

const EchoOptionsSchema = z.strictObject({
  scale: numeric().pipe(z.number().positive().max(100)).optional(),
  tag: z.string().max(32).optional(),
})

interface EchoOptions {
  readonly scale: number
  readonly tag: string
}

export interface Echo {
  readonly width: number
  readonly height: number
  readonly mean: number[]
}

function summary(image: Image): Float32Array {
  const sums = [0, 0, 0]
  for (let i = 0; i < image.data.length; i++) sums[i % 3]! += image.data[i]!
  const pixels = image.width * image.height
  return Float32Array.from([image.width, image.height, ...sums.map((s) => s / pixels)])
}

class EchoService implements TaskService<z.output<typeof EchoOptionsSchema>, EchoOptions, Echo> {
  readonly channelOrder = 'rgb' as const
  constructor(
    private readonly modelName: string,
    private readonly op: OpHandle<{ image: Image; scale: number }, Echo> | undefined,
  ) {}

  resolveOptions(parsed: z.output<typeof EchoOptionsSchema>): EchoOptions {
    return { scale: parsed.scale ?? 1, tag: parsed.tag ?? '' }
  }

  modelsFor(): readonly string[] {
    return [this.modelName]
  }

  run(image: Image, options: EchoOptions, ctx: Parameters<TaskService<unknown, unknown, unknown>['run']>[2]): Promise<Echo> {
    return this.op!.run({ image, scale: options.scale }, ctx)
  }
}

export const echoTask = defineTask({
  name: 'echo',
  title: 'echo',
  config: EchoConfigSchema,
  models: (config) => [config.model],
  async create(config, kit) {
    const model = await kit.loadModel(config.model, config.ops)
    const op =
      model &&
      kit.registerOp(
        {
          name: `echo:${model.name}`,
          preprocess: (input: { image: Image; scale: number }) => [summary(input.image)],
          async process(batch: readonly Float32Array[]) {
            const data = new Float32Array(batch.length * VALUES)
            batch.forEach((item, i) => data.set(item, i * VALUES))
            const { values } = await model.run({ values: { data, dims: [batch.length, VALUES] } })
            return batch.map((_, i) => values!.data.slice(i * VALUES, (i + 1) * VALUES) as Float32Array)
          },
          postprocess: (input, [out]) => ({ width: out![0]!, height: out![1]!, mean: [...out!.subarray(2)].map((v) => Math.round(v * input.scale)) }),
        },
        model,
        config.ops,
      )
    return new EchoService(config.model, op)
  },
  optionsSchema: EchoOptionsSchema,
  routes: [{ path: '/echo' }, { path: '/echo/:tag' }],
  format: (results, options) => ({ tag: options.tag, echo: results }),
})

/** A models folder holding the echo package (its "weights" are an empty file the fake loads). */
export async function writeEchoPackage(modelsDir: string): Promise<void> {
  const dir = path.join(modelsDir, ECHO_MODEL)
  await mkdir(dir, { recursive: true })
  await writeFile(path.join(dir, 'model.onnx'), '')
  await writeFile(
    path.join(dir, 'manifest.yml'),
    [
      `name: ${ECHO_MODEL}`,
      'feeds: [{ name: input, alias: values, dtype: float32, shape: [-1, 5] }]',
      'fetches: [{ name: output, alias: values, dtype: float32, shape: [-1, 5] }]',
      '',
    ].join('\n'),
  )
}

/** Sessions that answer `output` = `input`, recording each call's batch size. */
export function echoSessions(batches: number[]): SessionFactory {
  return async (): Promise<ModelSession> => ({
    inputs: [{ name: 'input', dtype: 'float32', shape: [-1, VALUES] }],
    outputs: [{ name: 'output', dtype: 'float32', shape: [-1, VALUES] }],
    async run(feeds) {
      batches.push(feeds.input!.dims[0]!)
      return { output: feeds.input! }
    },
    close: async () => {},
  })
}
