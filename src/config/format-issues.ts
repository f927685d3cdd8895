/**
 * One message for a failed schema check of a YAML file (serving.yml, a model manifest): the file,
 * then each key path with its problem. Kept free of imports so any loader can use it.
 */
import type { z } from 'zod'

export function formatIssues(file: string, issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)'
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => (where === '(top level)' ? key : `${where}.${key}`))
      return `  ${keys.join(', ')}: unknown key`
    }
    return `  ${where}: ${issue.message}`
  })
  return `invalid config ${file}:\n${lines.join('\n')}`
}
