import { describe, expect, it } from 'vitest';
import { contributorsByPackage, type Metafile, packageOf } from '../../../../scripts/bench/bundles.js';

describe('packageOf', () => {
  it('names a scoped package by scope and name', () => {
    expect(packageOf('node_modules/@aws-sdk/client-sqs/dist-es/index.js')).toBe('@aws-sdk/client-sqs');
  });

  it('names an unscoped package', () => {
    expect(packageOf('node_modules/zod/v4/core/core.js')).toBe('zod');
  });

  it('names the innermost package of a nested node_modules', () => {
    expect(packageOf('node_modules/a/node_modules/@s/b/index.js')).toBe('@s/b');
  });

  it('calls the app’s own sources (project)', () => {
    expect(packageOf('lambdas/shared/env.ts')).toBe('(project)');
  });
});

describe('contributorsByPackage', () => {
  const meta: Metafile = {
    outputs: {
      'out/index.mjs.map': { bytes: 999, inputs: {} },
      'out/index.mjs': {
        bytes: 560,
        entryPoint: 'lambdas/x/handler.ts',
        inputs: {
          'lambdas/x/handler.ts': { bytesInOutput: 40 },
          'node_modules/zod/a.js': { bytesInOutput: 100 },
          'node_modules/zod/b.js': { bytesInOutput: 200 },
          'node_modules/@smithy/core/c.js': { bytesInOutput: 220 },
        },
      },
    },
  };

  it('sums the bytes in the bundle per package, largest first', () => {
    expect(contributorsByPackage(meta)).toEqual([
      { name: 'zod', bytes: 300 },
      { name: '@smithy/core', bytes: 220 },
      { name: '(project)', bytes: 40 },
    ]);
  });

  it('fails when no output has an entry point', () => {
    expect(() => contributorsByPackage({ outputs: { 'x.map': { bytes: 1, inputs: {} } } })).toThrow(
      /entry point/,
    );
  });
});
