// Worker threads on Node 20 do not inherit tsx's module hooks from `--import tsx` (as in
// src/runtime/session-worker-entry.mjs), so this plain JavaScript entry registers them first.
import { register } from 'tsx/esm/api'

register()
await import('./replay-worker.ts')
