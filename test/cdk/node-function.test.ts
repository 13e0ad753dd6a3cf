import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeFunction } from '../../lib/shared/node-function.js';
import { APP_FUNCTION_PROPS, lambdaEntry, METRICS_NAMESPACE } from '../../lib/stacks/app-functions.js';
import { createApp, createStack, ENV } from './support.js';

/** The asset directory of an app function's bundle, synthesized with the app's props. */
function bundleDirectory(): string {
  const stack = createStack();
  new NodeFunction(stack, 'Fn', { ...APP_FUNCTION_PROPS, entry: lambdaEntry('email-notifier') });
  const assembly = stack.node.root as unknown as { synth(): { directory: string } };
  const { directory } = assembly.synth();
  const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
  const key = String(fn?.Properties?.Code?.S3Key);
  return path.join(directory, `asset.${key.replace(/\.zip$/, '')}`);
}

describe("the app's function bundle", () => {
  let assetDir: string;
  /** The source files esbuild put into the bundle, from its source map. */
  let sources: string[];
  beforeAll(() => {
    assetDir = bundleDirectory();
    sources = (
      JSON.parse(fs.readFileSync(path.join(assetDir, 'index.mjs.map'), 'utf8')) as { sources: string[] }
    ).sources;
  });

  it('resolves SDK credentials from the environment only, without the default provider chain', () => {
    // GIVEN a handler whose SDK clients use their default credentials
    // THEN the bundle carries the environment provider and none of the chain's other links
    expect(sources.some((s) => s.endsWith('lambdas/shared/lambda-credentials.ts'))).toBe(true);
    expect(
      sources.filter((s) => /credential-provider-(node|ini|sso|process)|nested-clients/.test(s)),
    ).toEqual([]);
  });

  it('carries no tracing SDK, and stand-ins for the JMESPath engine and event-stream serde it never calls', () => {
    // GIVEN a handler with idempotency, the SQS and DynamoDB clients, and active tracing
    // THEN neither the X-Ray SDK nor Powertools Tracer is bundled, and the two aliases hold
    expect(
      sources.filter((s) => /aws-xray-sdk|powertools\/tracer|cls-hooked|node_modules\/semver/.test(s)),
    ).toEqual([]);
    expect(
      sources.filter((s) =>
        /powertools\/jmespath|submodules\/event-streams|@aws-sdk\/endpoint-cache|mnemonist/.test(s),
      ),
    ).toEqual([]);
    expect(sources.some((s) => s.endsWith('lambdas/shared/absent-jmespath.ts'))).toBe(true);
  });

  it('keeps the license notices of its dependencies beside the bundle, not in it', () => {
    expect(fs.readFileSync(path.join(assetDir, 'index.mjs.LEGAL.txt'), 'utf8')).toContain(
      'Bundled license information',
    );
    expect(fs.readFileSync(path.join(assetDir, 'index.mjs'), 'utf8')).not.toContain(
      'Bundled license information',
    );
  });

  it("validates events with zod's mini API and its English messages only", () => {
    // GIVEN contracts written with zod/mini
    // THEN neither the classic API nor any other language is bundled
    const zod = sources.filter((s) => s.includes('node_modules/zod/'));
    expect(zod.filter((s) => /\/classic\/|\/locales\/(?!en\.js$)/.test(s))).toEqual([]);
    expect(zod.some((s) => s.endsWith('/locales/en.js'))).toBe(true);
  });
});

/** The environment of a NodeFunction with these props (no bundling). */
const environmentOf = (props: Partial<ConstructorParameters<typeof NodeFunction>[2]>) => {
  const stack = new Stack(createApp({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Ns', { env: ENV });
  new NodeFunction(stack, 'Fn', { entry: lambdaEntry('email-notifier'), ...props });
  const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
  return fn?.Properties?.Environment?.Variables as Record<string, string>;
};

describe('NodeFunction metrics namespace', () => {
  it('leaves the namespace to Powertools when none is given', () => {
    // GIVEN / WHEN a function without metricsNamespace
    // THEN it carries no namespace of any app
    expect(environmentOf({})).not.toHaveProperty('POWERTOOLS_METRICS_NAMESPACE');
  });

  it("gives the functions of the app the app's namespace", () => {
    // GIVEN / WHEN a function with the app's props
    // THEN
    expect(environmentOf(APP_FUNCTION_PROPS)).toMatchObject({
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    });
  });
});

describe('NodeFunction source maps at run time', () => {
  it('leaves them off by default: Node would read and parse the map at every cold start', () => {
    expect(environmentOf({})).not.toHaveProperty('NODE_OPTIONS');
  });

  it('turns them on when asked, for readable stack traces', () => {
    expect(environmentOf({ sourceMapsAtRuntime: true })).toMatchObject({
      NODE_OPTIONS: '--enable-source-maps',
    });
  });
});
