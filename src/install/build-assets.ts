/**
 * Which files of src/ `npm run build` copies beside the compiled JavaScript (tsc emits only
 * JavaScript): everything the code loads at run time, such as framework.proto and the web page's
 * HTML and CSS. Shared by src/install/finish-build.ts and the browser tests' bundle step.
 */
import path from 'node:path'

/** Sources, tsx's worker entry (session-worker-entry.mjs), docs, the web page's compiler settings and README picture. */
const NOT_ASSETS = /\.(ts|mts|mjs|md)$|^tsconfig\.json$|^screenshot\.jpg$/

export function isBuildAsset(file: string): boolean {
  return !NOT_ASSETS.test(path.basename(file))
}
