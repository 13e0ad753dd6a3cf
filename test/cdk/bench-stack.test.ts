import { type CfnElement, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import cdkNag from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BENCH_STACK_ID,
  BENCH_VARIANTS,
  BenchStack,
  benchStackFromContext,
} from '../../lib/stacks/bench-stack.js';
import { DATA_KEYS_STACK_ID, DataKeysStack } from '../../lib/stacks/data-keys-stack.js';
import { createApp, ENV, synthesizeWithValidation } from './support.js';

interface FunctionResource {
  readonly Properties: {
    readonly Code: { readonly S3Key: unknown };
    readonly Environment: { readonly Variables: Record<string, unknown> };
  };
}

describe('benchStackFromContext', () => {
  it('adds nothing to an app without the bench context (the default app)', () => {
    // GIVEN an app as `cdk deploy` builds it by default
    const app = createApp();
    // WHEN
    const stack = benchStackFromContext(app, { env: ENV });
    // THEN
    expect(stack).toBeUndefined();
    expect(app.node.tryFindChild(BENCH_STACK_ID)).toBeUndefined();
  });

  it('makes no key for the benchmark unless it adds the stack', () => {
    // GIVEN an app with customer-managed keys and no bench context
    const app = createApp();
    const keys = new DataKeysStack(app, DATA_KEYS_STACK_ID, { env: ENV });
    // WHEN
    benchStackFromContext(app, { env: ENV }, keys);
    // THEN
    expect(keys.node.tryFindChild(BENCH_STACK_ID)).toBeUndefined();
  });

  it('gives the benchmark stack its own key when there are keys', () => {
    // GIVEN
    const app = createApp({ context: { bench: true, 'aws:cdk:bundling-stacks': [] } });
    const keys = new DataKeysStack(app, DATA_KEYS_STACK_ID, { env: ENV });
    // WHEN
    const stack = benchStackFromContext(app, { env: ENV }, keys);
    // THEN
    const [table] = Object.values(
      Template.fromStack(stack as BenchStack).findResources('AWS::DynamoDB::Table'),
    );
    expect(JSON.stringify(table?.Properties.SSESpecification.KMSMasterKeyId)).toContain(
      keys.getLogicalId(keys.keyFor(BENCH_STACK_ID).node.defaultChild as CfnElement),
    );
  });

  it('adds the benchmark stack when the context asks for it', () => {
    // GIVEN
    const app = createApp({ context: { bench: 'true' } });
    // WHEN
    const stack = benchStackFromContext(app, { env: ENV });
    // THEN
    expect(app.node.tryFindChild(BENCH_STACK_ID)).toBe(stack);
  });
});

describe('BenchStack', () => {
  let functions: FunctionResource[];
  beforeAll(() => {
    // GIVEN / WHEN
    const template = Template.fromStack(new BenchStack(createApp(), 'Benchmark', { env: ENV }));
    functions = Object.values(template.findResources('AWS::Lambda::Function')) as FunctionResource[];
  });

  const variantOf = (f: FunctionResource) => f.Properties.Environment.Variables.BENCH_VARIANT;

  it('has one consumer per variant', () => {
    // THEN
    expect(functions.map(variantOf).sort()).toEqual([...BENCH_VARIANTS].sort());
  });

  it('runs the same bundle in every consumer, so only the configuration differs', () => {
    // THEN
    expect(new Set(functions.map((f) => JSON.stringify(f.Properties.Code.S3Key))).size).toBe(1);
  });

  it('gives every consumer an idempotency table except the no-idempotency baseline', () => {
    // THEN
    const withTable = functions
      .filter((f) => f.Properties.Environment.Variables.IDEMPOTENCY_TABLE_NAME !== undefined)
      .map(variantOf)
      .sort();
    expect(withTable).toEqual(BENCH_VARIANTS.filter((v) => v !== 'no-idempotency').sort());
  });
});

describe('BenchStack under cdk-nag', () => {
  /** The stack as bin/app.ts adds it, under both packs; with its own key when `keyed`. */
  const synthesize = (keyed: boolean) => {
    const app = createApp({ builtinCloudFormationValidation: true });
    const encryptionKey = keyed
      ? new DataKeysStack(app, DATA_KEYS_STACK_ID, { env: ENV }).keyFor(BENCH_STACK_ID)
      : undefined;
    new BenchStack(app, 'Benchmark', { env: ENV, encryptionKey });
    const solutions = new cdkNag.AwsSolutionsChecks(app, { verbose: true });
    Validations.of(app).addPlugins(solutions, new cdkNag.ServerlessChecks(app, { verbose: true }));
    return synthesizeWithValidation(app, solutions.name);
  };

  it('synthesizes with no unacknowledged AwsSolutions or Serverless finding', () => {
    // GIVEN / WHEN
    const { error, findings } = synthesize(false);
    // THEN
    expect(findings).toEqual([]);
    expect(error).toBeUndefined();
  });

  it('synthesizes with a customer-managed key with no unacknowledged finding', () => {
    // GIVEN / WHEN
    const { error, findings } = synthesize(true);
    // THEN
    expect(findings).toEqual([]);
    expect(error).toBeUndefined();
  });
});
