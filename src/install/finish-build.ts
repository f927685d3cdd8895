/**
 * Second step of `npm run build`, run from dist/ after tsc: tsc emits only JavaScript, so the
 * other files the code loads beside itself at run time (framework.proto) are copied over, and
 * the `ppserve` bin is made executable for running it directly.
 */
import { chmodSync, cpSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SRC = path.resolve(DIST, '..', 'src')
/**
 * Not needed beside the compiled code: sources, tsx's worker entry (session-worker-entry.mjs),
 * docs, the web page's compiler settings and its README screenshot.
 */
const NOT_ASSETS = /\.(ts|mts|mjs|md)$|^tsconfig\.json$|^screenshot\.jpg$/

cpSync(SRC, DIST, { recursive: true, filter: (from) => statSync(from).isDirectory() || !NOT_ASSETS.test(path.basename(from)) })
chmodSync(path.join(DIST, 'cli', 'main.js'), 0o755)
