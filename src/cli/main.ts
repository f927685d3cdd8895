/**
 * The one command-line entry point: `ppserve <command> [options]`. Sub-commands live in their
 * own files; failures print one clear line (no stack for expected errors) and exit non-zero.
 */
import { ServingError } from '../engine/errors.js'
import { CONVERT_USAGE, convertCommand } from './convert.js'
import { MODELS_USAGE, modelsCommand } from './models.js'
import { SERVE_USAGE, serveCommand } from './serve.js'

const COMMANDS: Record<string, { run: (args: string[]) => Promise<void>; usage: string; summary: string }> = {
  serve: { run: serveCommand, usage: SERVE_USAGE, summary: 'start the HTTP server (default config: config/serving.yml)' },
  convert: { run: convertCommand, usage: CONVERT_USAGE, summary: 'convert a Paddle inference model into an ONNX model package' },
  models: { run: modelsCommand, usage: MODELS_USAGE, summary: 'list, pull (download or --mirror, verify, convert) and verify model packages' },
}

function printHelp(): void {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  process.stdout.write(`usage: ppserve <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nppserve <command> --help for a command's options\n`)
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
    process.stdout.write(command.usage + '\n')
    return
  }
  await command.run(args)
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ServingError || (error as { code?: string })?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    process.stderr.write(`ppserve: ${(error as Error).message}\n`)
  } else {
    process.stderr.write(`ppserve: ${(error as Error)?.stack ?? String(error)}\n`)
  }
  process.exit(1)
})
