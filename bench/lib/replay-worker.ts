/**
 * One single-threaded replay loop of the floor's throughput (./floor.ts): opens 1-thread sessions,
 * warms up, says ready, waits for `go` so all loops start together, replays `passes` passes and
 * posts the per-image ms.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { ImageCalls } from './record-feeds.js'
import { createReplayer } from './replay.js'

const { images, passes } = workerData as { images: ImageCalls[]; passes: number }
const replayer = await createReplayer(images, 1)
await replayer.pass()
parentPort!.once('message', async () => {
  const perImageMs: number[] = []
  for (let pass = 0; pass < passes; pass++) perImageMs.push(...(await replayer.pass()).perImageMs)
  await replayer.close()
  parentPort!.postMessage({ perImageMs })
})
parentPort!.postMessage({ ready: true })
