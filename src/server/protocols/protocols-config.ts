/**
 * `protocols:` in serving.yml: one section per protocol adapter (./index.ts), each with
 * `enabled` and its own keys. Kept free of the adapters' imports so the config schema can use it.
 */
import { z } from 'zod'

export const ProtocolsConfigSchema = z
  .strictObject({})
  .prefault({})

export type ProtocolsConfig = z.infer<typeof ProtocolsConfigSchema>
