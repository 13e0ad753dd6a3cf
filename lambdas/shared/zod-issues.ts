import type * as z from 'zod/mini';

/**
 * A zod error in one line for logs and dead-letter reasons: `path: message` per issue, joined
 * by `; `. An issue at the top level is named `root` (e.g. `body` for a queue message).
 */
export function describeIssues(error: Pick<z.core.$ZodError, 'issues'>, root = '(root)'): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : root}: ${i.message}`).join('; ');
}
