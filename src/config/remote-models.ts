/**
 * `models.remote` in serving.yml: packages whose model call goes to a KServe v2 endpoint (Triton,
 * or another ppserve) instead of a local onnxruntime session. The package folder and manifest
 * stay local: the manifest is still the contract, and pre/postprocessing still run here.
 */
import { z } from 'zod'

export const RemoteModelSchema = z.strictObject({
  /** Base URL of the KServe v2 server, e.g. http://triton:8000 (no /v2 suffix). */
  url: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')),
  /** The model's name on the remote server; null = the package name. */
  model: z.string().min(1).nullable().default(null),
  /**
   * Longest one call may take (waiting for a slot included); the request's deadline may cut it
   * shorter. Sent as X-Deadline-Ms, so at most the remote's limits.max_deadline_ms (300000).
   */
  timeout_ms: z.number().int().positive().max(300_000).default(10_000),
  /** Extra attempts after a connection failure (refused, reset); never after a timeout or an HTTP error. */
  retries: z.number().int().nonnegative().max(5).default(1),
  /** Most calls in flight to this model; more wait for a slot. */
  max_in_flight: z.number().int().positive().max(256).default(4),
})

export const RemoteModelsSchema = z.record(z.string(), RemoteModelSchema).default({})

export type RemoteModelConfig = z.infer<typeof RemoteModelSchema>
export type RemoteModelsConfig = z.infer<typeof RemoteModelsSchema>
