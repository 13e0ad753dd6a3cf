import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseArgsProblem, parseCommandLine, UsageError } from '../../../../scripts/shared/usage.js';

const nodeError = (args: string[]) => {
  try {
    parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  } catch (error) {
    return error;
  }
  throw new Error('parseArgs took the arguments');
};

describe('parseArgsProblem', () => {
  it("keeps only the first sentence of Node's message, as a sentence of the usage error", () => {
    expect(parseArgsProblem(nodeError(['--frob']))).toBe("unknown option '--frob'.");
  });
});

describe('parseCommandLine', () => {
  it('gives what the parser returns', () => {
    expect(parseCommandLine(() => ({ id: 'ord-1' }), 'usage')).toEqual({ id: 'ord-1' });
  });

  it('lets an error that is not about the command line through', () => {
    expect(() =>
      parseCommandLine(() => {
        throw new RangeError('a bug');
      }, 'usage'),
    ).toThrow(RangeError);
  });

  it('names itself UsageError', () => {
    expect(new UsageError('x').name).toBe('UsageError');
  });
});
