#!/usr/bin/env node
/**
 * The one command-line entry point: `ppserve <command> [options]`. Sub-commands live in their
 * own files; failures print one clear line (no stack for expected errors) and exit non-zero.
 */
import { ServingError } from '../engine/errors.js'
import { CLIENT_USAGE, clientCommand } from './client/client-command.js'
import { CONVERT_USAGE, convertCommand } from './convert.js'
import { indexCommand, indexUsage } from './index-command.js'
import { MODELS_USAGE, modelsCommand } from './models.js'
import { SERVE_USAGE, serveCommand } from './serve.js'
import { UsageError } from './usage-error.js'

interface Command {
  run: (args: string[]) => Promise<void>
  /** Help text; a function gets the arguments after the command (for per-sub-command help). */
  usage: string | ((args: string[]) => string)
  summary: string
}

const COMMANDS: Record<string, Command> = {
  serve: { run: serveCommand, usage: SERVE_USAGE, summary: 'start the HTTP server (default config: config/serving.yml)' },
  convert: { run: convertCommand, usage: CONVERT_USAGE, summary: 'convert a Paddle inference model into an ONNX model package' },
  models: { run: modelsCommand, usage: MODELS_USAGE, summary: 'list, pull (download or --mirror, verify, convert) and verify model packages' },
  index: {
    run: indexCommand,
    usage: indexUsage, // ppserve index build --help shows build's options

    summary: 'build, append to, remove from, import and inspect gallery indexes for /recognize',
  },
  client: { run: clientCommand, usage: CLIENT_USAGE, summary: 'send images to a running server (native, Paddle Serving, PaddleHub or PaddleX protocol) and print results and latency' },
}

function printHelp(): void {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  process.stdout.write(`usage: ppserve <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nnpx ppserve <command> --help for a command's options\n`)
}

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') return printHelp()
  const command = COMMANDS[name]
  if (!command) {
    process.stderr.write(`ppserve: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})\n`)
    process.exitCode = 2
    return
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write((typeof command.usage === 'function' ? command.usage(args) : command.usage) + '\n')
    return
  }
  await command.run(args)
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const code = (error as { code?: string })?.code ?? ''
  if (code.startsWith('ERR_PARSE_ARGS_') || error instanceof UsageError) {
    // A usage mistake, not a failure: exit 2 like the sub-commands that check their own usage.
    process.stderr.write(`ppserve: ${(error as Error).message} (see --help)\n`)
    process.exit(2)
  }
  if (error instanceof ServingError) process.stderr.write(`ppserve: ${(error as Error).message}\n`)
  else process.stderr.write(`ppserve: ${(error as Error)?.stack ?? String(error)}\n`)
  process.exit(1)
})
