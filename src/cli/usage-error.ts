/**
 * A command line that cannot be run as written (missing or conflicting options, an unknown
 * sub-command). Not a ServingError on purpose: the command prints it with a pointer to --help and
 * exits 2, where failures of the work itself exit 1.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}
