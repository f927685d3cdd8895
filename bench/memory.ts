/**
 * Memory under fuzzing (`npm run bench:memory -- [--requests N] [--concurrency 1]
 * [--settle-s 60] [--seed N] [--server-env KEY=VALUE]... [--json FILE]`), issue 11's acceptance:
 * peak RSS during the fuzz suite ≤ 1.5 × the idle server's with its models loaded, and ≤ 1.2 ×
 * a minute after. The fuzz suite itself runs over fake models in-process, so it cannot show this:
 * here its generated requests go to the real server (config/serving.yml, a child process) with the
 * real models, while the server's RSS is sampled. Results on stdout, progress on stderr. See
 * bench/BENCHMARKS.md.
 */
import { execFileSync } from 'node:child_process'
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { parseCommandLine, UsageError } from './lib/args.js'
import { PROJECT_ROOT } from './lib/bench-config.js'
import { emptyTally, planRequests, SUITE_RUNS, SUITE_SEED, type FuzzPlan } from './lib/fuzz-load.js'
import { formatLoad, machineInfo, type MachineInfo } from './lib/machine.js'
import { formatMemory, memoryChecks, type MemoryResult } from './lib/memory-report.js'
import { measureMemory, SAMPLE_MS } from './lib/memory-run.js'
import { startServer } from './lib/server-process.js'

const USAGE = 'usage: npm run bench:memory -- [--requests N] [--concurrency C] [--settle-s S] [--seed N] [--server-env KEY=VALUE]... [--json FILE]'

function parse(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      requests: { type: 'string' },
      concurrency: { type: 'string', default: '1' },
      'settle-s': { type: 'string', default: '60' },
      seed: { type: 'string', default: String(SUITE_SEED) },
      'server-env': { type: 'string', multiple: true, default: [] },
      json: { type: 'string' },
    },
    strict: true,
  })
  const int = (name: string, text: string | undefined, min: number) => {
    const n = Number(text)
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(text)}\n${USAGE}`)
    return n
  }
  const serverEnv: Record<string, string> = {}
  for (const pair of values['server-env']) {
    const at = pair.indexOf('=')
    if (at < 1) throw new UsageError(`--server-env takes KEY=VALUE, got ${JSON.stringify(pair)}\n${USAGE}`)
    serverEnv[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return {
    requests: values.requests === undefined ? undefined : int('requests', values.requests, 1),
    concurrency: int('concurrency', values.concurrency, 1),
    settleS: int('settle-s', values['settle-s'], 1),
    seed: int('seed', values.seed, 0),
    serverEnv,
    jsonFile: values.json === undefined ? undefined : path.resolve(values.json),
  }
}

/** Short commit, and whether tracked files differ from it (read-only git). */
function commitLabel(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim()
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== ''
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' (working tree with uncommitted changes)' : ''}`
  } catch {
    return 'unknown'
  }
}

async function main(): Promise<void> {
  const args = parseCommandLine(parse, USAGE)
  process.chdir(PROJECT_ROOT)
  const machine = machineInfo()
  const commit = commitLabel()
  const plan = await planRequests(args.requests, args.seed)
  const perFamily = plan.requests.length / plan.families.length
  console.log(`memory under fuzzing  ${new Date().toISOString()}  commit ${commit}`)
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}; load ${formatLoad(machine.loadAverage)} at start`)
  console.log(`server: config/serving.yml (OCR, classify, recognize), its own process, MALLOC_ARENA_MAX=2 as npm start` +
    (Object.keys(args.serverEnv).length > 0 ? `; --server-env ${Object.entries(args.serverEnv).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''))
  console.log(`fuzz: ${plan.requests.length} requests of test/fuzz: ${perFamily} per family${args.requests === undefined ? ` (the suite's default FUZZ_RUNS ${SUITE_RUNS})` : ''} × ` +
    `${plan.families.length} families in turn, family i seeded ${args.seed} + i, ` +
    `${args.concurrency === 1 ? 'sequential (concurrency 1)' : `concurrency ${args.concurrency}`}; then ${args.settleS} s idle\n`)

  // Some fuzz requests add to, remove from and create galleries: they get a copy of index/.
  const indexesDir = await mkdtemp(path.join(os.tmpdir(), 'ppserve-bench-index-'))
  try {
    await cp(path.join(PROJECT_ROOT, 'index'), indexesDir, { recursive: true })
    await measure(args, plan, commit, machine, indexesDir)
  } finally {
    await rm(indexesDir, { recursive: true, force: true })
  }
}

type Args = ReturnType<typeof parse>

async function measure(args: Args, plan: FuzzPlan, commit: string, machine: MachineInfo, indexesDir: string): Promise<void> {
  const server = await startServer({ label: 'memory', env: args.serverEnv, indexesDir })
  try {
    const { measured, sampler } = await measureMemory(server, plan, args, emptyTally())
    const result: MemoryResult = {
      date: new Date().toISOString(),
      commit,
      machine,
      settings: { requests: plan.requests.length, concurrency: args.concurrency, settleS: args.settleS, seed: args.seed, sampleMs: SAMPLE_MS, serverEnv: args.serverEnv },
      ...measured,
      checks: memoryChecks(measured.rss),
    }
    const warm = Object.entries(result.server.warmup).map(([k, v]) => `${k} ${v}`).join(', ')
    console.log(`server ready after ${server.readyAfterS.toFixed(1)} s; warm-up: ${warm}` + (measured.fuzz.kernelPeaks ? '' : '; VmHWM could not be reset: peaks from samples only'))
    console.log(`\n${formatMemory(result)}`)
    if (args.jsonFile) {
      await writeFile(args.jsonFile, JSON.stringify({ ...result, rssSamples: sampler.samples }, null, 2) + os.EOL)
      console.error(`wrote ${args.jsonFile}`)
    }
  } finally {
    await server.stop()
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : error)
  process.exitCode = 1
})
