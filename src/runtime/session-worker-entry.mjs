// Worker threads on Node 20 do not inherit tsx's module hooks from `--import tsx`, so this plain
// JavaScript entry registers them before loading the TypeScript worker.
import { register } from 'tsx/esm/api'

register()
await import('./session-worker.ts')
