/** `ppserve models export-triton DIR [--models a,b] [--symlink] [--max-batch-size N] [--batch-timeout-ms MS]`. */
import { exportTritonRepository } from '../runtime/export-triton.js'
import { PullError } from '../runtime/pull/errors.js'
import { manifestSectionsOf, TASKS } from '../tasks/registry.js'

export const EXPORT_TRITON_USAGE = `  export-triton DIR    write a Triton model repository for the packages: DIR/NAME/config.pbtxt (platform
                       onnxruntime_onnx; inputs and outputs from the manifest) and DIR/NAME/1/model.onnx;
                       packages whose weights are missing are skipped with a note
    --models a,b       only these packages (default: every package in the models folder)
    --symlink          link model.onnx to the package's file instead of copying it
    --max-batch-size N max_batch_size of models with a dynamic batch axis (default 8; others get 0)
    --batch-timeout-ms MS  the dynamic batcher's max queue delay (default 2)`

export interface ExportTritonValues {
  models?: string | undefined
  symlink?: boolean | undefined
  'max-batch-size'?: string | undefined
  'batch-timeout-ms'?: string | undefined
}

function count(flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min) throw new PullError(`--${flag} wants an integer ≥ ${min}, got "${value}"`)
  return n
}

export async function exportTriton(outDir: string | undefined, modelsDir: string, values: ExportTritonValues): Promise<void> {
  if (!outDir) throw new PullError('models export-triton wants the output folder: npx ppserve models export-triton DIR')
  const names = values.models?.split(',').map((name) => name.trim()).filter((name) => name !== '')
  const results = await exportTritonRepository(
    {
      modelsDir,
      outDir,
      names,
      symlink: values.symlink ?? false,
      maxBatchSize: count('max-batch-size', values['max-batch-size'], 8, 1),
      batchTimeoutMs: count('batch-timeout-ms', values['batch-timeout-ms'], 2, 0),
      sections: manifestSectionsOf(TASKS),
    },
    (result) => process.stdout.write(`${result.name}: ${result.status === 'written' ? 'ok' : result.status} — ${result.detail}\n`),
  )
  if (results.some((result) => result.status === 'failed')) process.exitCode = 1
}
