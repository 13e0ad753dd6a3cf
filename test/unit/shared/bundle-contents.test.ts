import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAMBDA_ESBUILD_ARGS } from '../../../lib/stacks/app-functions.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

/** Every TypeScript file under lambdas/, with its source. */
function handlerSources(): { file: string; source: string }[] {
  const dir = path.join(ROOT, 'lambdas');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: f, source: readFileSync(path.join(dir, f), 'utf8') }));
}

describe('what the handler bundles may carry', () => {
  it('no handler imports the X-Ray SDK or Powertools Tracer (in maintenance, end of support 2027-02-25)', () => {
    const offenders = handlerSources().filter(({ source }) =>
      /from ['"](aws-xray-sdk[^'"]*|@aws-lambda-powertools\/tracer[^'"]*)['"]/.test(source),
    );
    expect(offenders.map((o) => o.file)).toEqual([]);
  });

  it('the app depends on neither, so no bundle can pull them in', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies)).not.toContain('@aws-lambda-powertools/tracer');
    expect(Object.keys(pkg.dependencies).filter((d) => d.startsWith('aws-xray-sdk'))).toEqual([]);
  });

  it('no handler keys idempotency by JMESPath while the bundles leave the JMESPath engine out', () => {
    expect(Object.keys(LAMBDA_ESBUILD_ARGS)).toContain('--alias:@aws-lambda-powertools/jmespath');
    const offenders = handlerSources().filter(({ source }) =>
      /(eventKeyJmesPath|payloadValidationJmesPath)\s*:|from ['"]@aws-lambda-powertools\/jmespath/.test(
        source,
      ),
    );
    expect(offenders.map((o) => o.file)).toEqual([]);
  });
});
