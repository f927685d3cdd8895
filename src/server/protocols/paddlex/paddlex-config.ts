/** `protocols.paddlex` in serving.yml: the PaddleX / PaddleOCR 3.x serving protocol. */
import { z } from 'zod'

export const PaddleXConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Draw result images (`ocrImage`, `image`) unless a request says `visualize: false` (PaddleX's Serving.visualize). */
    visualize: z.boolean().default(true),
    /** Longest side of a drawn image, so responses stay small. */
    max_visualize_side: z.number().int().min(64).max(8192).default(1280),
    /**
     * Hosts whose http(s) URLs `file` / `image` may name (exact host names, or host:port). Empty:
     * URLs are refused. PaddleX fetches any URL, which lets a client reach internal services.
     */
    url_allowlist: z.array(z.string().min(1)).default([]),
    /** A URL fetch taking longer fails (504); its size is capped at limits.max_body_bytes. */
    url_timeout_ms: z.number().int().positive().default(10_000),
  })
  .prefault({})

export type PaddleXConfig = z.infer<typeof PaddleXConfigSchema>
