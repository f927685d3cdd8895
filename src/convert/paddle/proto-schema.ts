/** Loads framework.proto (kept beside this file) once, at first use, with protobufjs. */
import { fileURLToPath } from 'node:url'
import protobuf from 'protobufjs'

let root: protobuf.Root | undefined

export function paddleType(name: 'ProgramDesc' | 'VarType.TensorDesc'): protobuf.Type {
  root ??= protobuf.loadSync(fileURLToPath(new URL('./framework.proto', import.meta.url)))
  return root.lookupType(`paddle.framework.proto.${name}`)
}
