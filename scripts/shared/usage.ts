import { fail } from './progress.js';

/** A bad command line: the script says what is wrong, prints its usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The parsed command line; on a UsageError, the problem and the usage, and exit status 2. */
export function parseCommandLine<T>(parse: () => T, usage: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof UsageError) fail(`${error.message}\n\n${usage}`, 2);
    throw error;
  }
}

/**
 * What node:util parseArgs said, as one sentence of a usage error. Node says e.g. "Unknown
 * option '--frob'. To specify a positional argument starting with a '-', place it at the end
 * of the command after '--', as in ..."; only the first sentence is about this command line.
 */
export function parseArgsProblem(error: unknown): string {
  const text = error instanceof Error ? (error.message.split('. ')[0] ?? error.message) : String(error);
  return `${text.charAt(0).toLowerCase()}${text.slice(1)}.`;
}

/** Runs node:util parseArgs, turning what it refuses into a UsageError. */
export function parsing<R>(parse: () => R): R {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(parseArgsProblem(error));
  }
}
