/**
 * `protocols:` in serving.yml: one section per protocol adapter (./index.ts), each with
 * `enabled` and its own keys. Kept free of the adapters' imports so the config schema can use it.
 */
import { z } from 'zod'
import { KServeConfigSchema } from './kserve/kserve-config.js'
import { PaddleXConfigSchema } from './paddlex/paddlex-config.js'

/** Paddle Serving pipeline (`POST /{service}/prediction`): which task each service name runs. */
const PaddleServingSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Service name → task; the defaults are the names PaddleOCR's and PaddleClas's web services use. */
    services: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a URL path segment (letters, digits, _ . -)'), z.string().min(1))
      .default({ ocr: 'ocr', imagenet: 'classify', recognition: 'recognize' }),
  })
  .prefault({})

/** PaddleHub serving of PaddleOCR's modules (`POST /predict/ocr_system|ocr_det|ocr_rec`) over the ocr task. */
const PaddleHubSchema = z.strictObject({ enabled: z.boolean().default(true) }).prefault({})

export const ProtocolsConfigSchema = z
  .strictObject({
    paddle_serving: PaddleServingSchema,
    paddlehub: PaddleHubSchema,
    paddlex: PaddleXConfigSchema,
    kserve: KServeConfigSchema,
  })
  .prefault({})

export type ProtocolsConfig = z.infer<typeof ProtocolsConfigSchema>
