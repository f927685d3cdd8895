/**
 * A tiny KServe v2 (Open Inference Protocol) REST server for remote-session tests, on 127.0.0.1:
 * model `double` with inputs x (FP32 [-1, 3]) and ids (INT64 [-1]), outputs y = 2x (FP32) and
 * id_sum (INT64 [1]). It speaks JSON and, when `binary` is on, the binary tensor extension, and
 * records what the tests check: calls in flight at once, sockets opened, request encodings.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface KServeStubOptions {
  /** List `binary_tensor_data` in the server metadata and accept binary tensors. */
  binary?: boolean
  /** Milliseconds each infer waits before answering; Infinity never answers. */
  delayMs?: number
  /** Port to listen on (0 = a free one). */
  port?: number
}

export interface KServeStub {
  readonly url: string
  readonly port: number
  /** Most infer calls in progress at the same time. */
  maxInFlight: number
  infers: number
  sockets: number
  /** Content type of each infer request. */
  readonly contentTypes: string[]
  /** X-Deadline-Ms of each infer request (ms as sent). */
  readonly deadlines: number[]
  delayMs: number
  /** Answer infer with this status and KServe error body instead of computing. */
  failWith?: { status: number; error: string } | undefined
  close(): Promise<void>
}

export const STUB_METADATA = {
  name: 'double',
  versions: ['1'],
  platform: 'stub',
  inputs: [
    { name: 'x', datatype: 'FP32', shape: [-1, 3] },
    { name: 'ids', datatype: 'INT64', shape: [-1] },
  ],
  outputs: [
    { name: 'y', datatype: 'FP32', shape: [-1, 3] },
    { name: 'id_sum', datatype: 'INT64', shape: [1] },
  ],
}

interface WireInput {
  name: string
  shape: number[]
  datatype: string
  data?: number[]
  parameters?: { binary_data_size?: number }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject)
  })
}

/** Inputs as numbers, from JSON data or binary chunks after the JSON header. */
function parseInputs(body: Buffer, headerLength: number | undefined): Map<string, { input: WireInput; values: number[] }> {
  const jsonEnd = headerLength ?? body.length
  const request = JSON.parse(body.subarray(0, jsonEnd).toString('utf8')) as { inputs: WireInput[] }
  let offset = jsonEnd
  const out = new Map<string, { input: WireInput; values: number[] }>()
  for (const input of request.inputs) {
    const size = input.parameters?.binary_data_size
    let values: number[]
    if (size === undefined) values = input.data!.flat(Infinity) as number[]
    else {
      const chunk = body.subarray(offset, offset + size)
      offset += size
      values =
        input.datatype === 'INT64'
          ? Array.from({ length: size / 8 }, (_, i) => Number(chunk.readBigInt64LE(i * 8)))
          : Array.from({ length: size / 4 }, (_, i) => chunk.readFloatLE(i * 4))
    }
    out.set(input.name, { input, values })
  }
  return out
}

export async function startKServeStub(options: KServeStubOptions = {}): Promise<KServeStub> {
  let inFlight = 0
  const stub = {
    url: '',
    port: 0,
    maxInFlight: 0,
    infers: 0,
    sockets: 0,
    contentTypes: [] as string[],
    deadlines: [] as number[],
    delayMs: options.delayMs ?? 0,
    failWith: undefined as KServeStub['failWith'],
    close: async () => {},
  }
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }
  const server = http.createServer(async (req, res) => {
    const url = req.url ?? ''
    if (req.method === 'GET' && url === '/v2') return json(res, 200, { name: 'stub', version: '1', extensions: options.binary ? ['binary_tensor_data'] : [] })
    if (req.method === 'GET' && url === '/v2/models/double') return json(res, 200, STUB_METADATA)
    if (req.method === 'GET' && url === '/v2/models/double/ready') return res.writeHead(200).end()
    if (req.method !== 'POST' || url !== '/v2/models/double/infer') return json(res, 404, { error: `no route ${req.method} ${url}` })
    stub.infers++
    inFlight++
    stub.maxInFlight = Math.max(stub.maxInFlight, inFlight)
    try {
      const body = await readBody(req)
      stub.contentTypes.push(req.headers['content-type'] ?? '')
      stub.deadlines.push(Number(req.headers['x-deadline-ms']))
      if (stub.delayMs === Infinity) return // stalled: never answers (the client must time out)
      if (stub.delayMs > 0) await new Promise((r) => setTimeout(r, stub.delayMs))
      if (stub.failWith) return json(res, stub.failWith.status, { error: stub.failWith.error })
      const header = req.headers['inference-header-content-length']
      const inputs = parseInputs(body, header === undefined ? undefined : Number(header))
      const x = inputs.get('x')!
      const ids = inputs.get('ids')!
      if (ids.input.datatype !== 'INT64' || !ids.values.every(Number.isInteger)) return json(res, 400, { error: 'ids must be INT64 integers' })
      const y = x.values.map((v) => Math.fround(v * 2))
      const idSum = ids.values.reduce((a, b) => a + b, 0)
      if (header === undefined) {
        return json(res, 200, {
          model_name: 'double',
          outputs: [
            { name: 'y', shape: x.input.shape, datatype: 'FP32', data: y },
            { name: 'id_sum', shape: [1], datatype: 'INT64', data: [idSum] },
          ],
        })
      }
      const yBytes = Buffer.from(new Float32Array(y).buffer)
      const sumBytes = Buffer.alloc(8)
      sumBytes.writeBigInt64LE(BigInt(idSum))
      const head = Buffer.from(
        JSON.stringify({
          model_name: 'double',
          outputs: [
            { name: 'y', shape: x.input.shape, datatype: 'FP32', parameters: { binary_data_size: yBytes.length } },
            { name: 'id_sum', shape: [1], datatype: 'INT64', parameters: { binary_data_size: 8 } },
          ],
        }),
      )
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(head.length) })
      res.end(Buffer.concat([head, yBytes, sumBytes]))
    } finally {
      inFlight--
    }
  })
  server.on('connection', () => stub.sockets++)
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  stub.port = (server.address() as AddressInfo).port
  stub.url = `http://127.0.0.1:${stub.port}`
  stub.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return stub
}

/** A loopback port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
