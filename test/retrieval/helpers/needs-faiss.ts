/**
 * Tests that need the faiss-node addon use this like needsSharedAssets: without the addon they
 * skip with the reason printed (e.g. a machine where the install could not run apt), except under
 * CI (CI=true), where a missing addon is a failure, never a silent skip.
 */
import { faissUnavailableReason } from '../../../src/retrieval/faiss-loader.js'

const reason = faissUnavailableReason()

if (reason && process.env.CI === 'true') {
  throw new Error(`CI=true but retrieval is unavailable, so its tests cannot run: ${reason}`)
}

/** Pass as the `skip` option of a test or describe block. */
export const needsFaiss: false | string = reason ? `needs the faiss-node addon: ${reason}` : false
