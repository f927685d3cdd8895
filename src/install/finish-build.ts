/**
 * Second step of `npm run build`, run from dist/ after tsc: tsc emits only JavaScript, so the
 * other files the code loads beside itself at run time (framework.proto) are copied over, and
 * the `ppserve` bin is made executable for running it directly.
 */
import { chmodSync, cpSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { isBuildAsset } from './build-assets.js'

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SRC = path.resolve(DIST, '..', 'src')

cpSync(SRC, DIST, { recursive: true, filter: (from) => statSync(from).isDirectory() || isBuildAsset(from) })
chmodSync(path.join(DIST, 'cli', 'main.js'), 0o755)
