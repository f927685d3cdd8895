/**
 * The classification floor: the images decoded and preprocessed exactly as the service does, then
 * the tensors run through a plain in-thread onnxruntime session, nothing else.
 */
import path from 'node:path'
import ort from 'onnxruntime-node'
import { loadModelPackage } from '../../src/runtime/model-package.js'
import { decodeImage } from '../../src/vision/decode.js'
import { compilePreprocess } from '../../src/vision/preprocess-pipeline.js'
import type { BenchImage } from './images.js'
import { progress, progressDone } from './progress.js'
import type { ImageCalls } from './record-feeds.js'
import { summarize, type PhaseStats } from './stats.js'

/** One model call per image: its preprocessed `[1, 3, H, W]` tensor on the package's image input. */
export async function classifyFeeds(modelsDir: string, model: string, images: readonly BenchImage[]): Promise<ImageCalls[]> {
  const pkg = await loadModelPackage(path.join(modelsDir, model))
  const preprocess = compilePreprocess(pkg.manifest.preprocess, model, pkg.manifest.channel_order)
  const feed = pkg.feed('image').name
  return Promise.all(
    images.map(async (image) => {
      const out = preprocess(await decodeImage(image.bytes, { maxPixels: 4e7, minSide: 4 }))
      const tensor = { name: feed, dtype: 'float32', dims: [1, 3, out.height, out.width], data: out.chw }
      return { image: image.name, calls: [{ modelPath: pkg.modelPath, feeds: [tensor] }] }
    }),
  )
}

/** `rounds` passes over the images' tensors, each call timed (after one warm-up pass). */
export async function bareSession(
  modelsDir: string,
  model: string,
  images: readonly BenchImage[],
  rounds: number,
  threads: number,
): Promise<PhaseStats> {
  const recorded = await classifyFeeds(modelsDir, model, images)
  const modelPath = recorded[0]!.calls[0]!.modelPath
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: threads, interOpNumThreads: 1 })
  const tensors = recorded.map(({ calls }) => {
    const { name, dims, data } = calls[0]!.feeds[0]!
    return { [name]: new ort.Tensor('float32', data, dims) }
  })
  for (const feeds of tensors) await session.run(feeds)
  const latencies: number[] = []
  const started = performance.now()
  for (let round = 0; round < rounds; round++) {
    for (const feeds of tensors) {
      const t0 = performance.now()
      await session.run(feeds)
      latencies.push(performance.now() - t0)
    }
    progress(`bare session.run: round ${round + 1}/${rounds}`)
  }
  progressDone()
  await session.release()
  return summarize(latencies, performance.now() - started)
}
