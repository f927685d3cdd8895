/** Tensor declarations for fake sessions, written like a manifest line: float32('x', [-1, 3, 48, 192]). */
import type { TensorInfo } from '../../src/runtime/session.js'

export const float32 = (name: string, shape: readonly number[]): TensorInfo => ({ name, dtype: 'float32', shape })
