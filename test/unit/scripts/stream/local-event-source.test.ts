import { describe, expect, it } from 'vitest';
import { EMULATOR_BRIDGE_METADATA } from '../../../../lib/emulator/emulator-compatibility.js';
import type { StackTemplate } from '../../../../scripts/shared/cdk-out.js';
import {
  invokeResult,
  mappingDefinitions,
  resolveMapping,
} from '../../../../scripts/stream/local-event-source.js';

const FUNCTION_NAME = 'OrderLog-AuditFn-1A2B3C';
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/OrderLog-AuditFailures';
const DEPLOYED = new Map([
  ['AuditFn', FUNCTION_NAME],
  ['AuditFailures', QUEUE_URL],
]);

/** A mapping's definition as the emulator build keeps it in its stand-in's metadata. */
const definition = (overrides: Record<string, unknown> = {}) => ({
  FunctionName: { Ref: 'AuditFn' },
  Topics: ['orders.events'],
  ConsumerGroupId: 'order-audit',
  StartingPosition: 'TRIM_HORIZON',
  BatchSize: 10,
  MaximumBatchingWindowInSeconds: 1,
  MaximumRetryAttempts: 3,
  BisectBatchOnFunctionError: true,
  FunctionResponseTypes: ['ReportBatchItemFailures'],
  OnFailureDestination: { 'Fn::GetAtt': ['AuditFailures', 'Arn'] },
  ...overrides,
});

const resolve = (overrides: Record<string, unknown> = {}) =>
  resolveMapping('OrderLog', 'AuditMapping', definition(overrides), DEPLOYED);

const bytes = (text: string) => new TextEncoder().encode(text);

describe('mappingDefinitions', () => {
  it('finds only the stand-ins whose bridge metadata is an event source mapping', () => {
    // GIVEN a mapping's stand-in, an archive's stand-in and an ordinary resource
    const mapping = definition();
    const template: StackTemplate = {
      stackName: 'OrderLog',
      outputs: {},
      resources: {
        AuditMapping: {
          Type: 'AWS::CloudFormation::WaitConditionHandle',
          Metadata: {
            [EMULATOR_BRIDGE_METADATA]: { Type: 'AWS::Lambda::EventSourceMapping', Properties: mapping },
          },
        },
        Archive: {
          Type: 'AWS::CloudFormation::WaitConditionHandle',
          Metadata: { [EMULATOR_BRIDGE_METADATA]: { Type: 'AWS::Events::Archive', Properties: {} } },
        },
        AuditFn: { Type: 'AWS::Lambda::Function', Properties: {} },
      },
    };

    // WHEN the templates are read THEN only the mapping is found, by stack and logical id
    expect(mappingDefinitions([template])).toEqual([
      { stackName: 'OrderLog', logicalId: 'AuditMapping', definition: mapping },
    ]);
  });
});

describe('resolveMapping', () => {
  it('resolves the function and the on-failure queue to their deployed physical ids', () => {
    // GIVEN a Ref to the function and a GetAtt to the queue
    // WHEN resolved THEN both are what the stack deployed
    expect(resolve()).toMatchObject({ functionName: FUNCTION_NAME, onFailureQueueUrl: QUEUE_URL });
  });

  it('carries over the topic, group, batch size, retries, bisection and response types', () => {
    // GIVEN the mapping above, WHEN resolved, THEN its settings are the mapping's
    expect(resolve()).toMatchObject({
      stackName: 'OrderLog',
      logicalId: 'AuditMapping',
      topic: 'orders.events',
      groupId: 'order-audit',
      batchSize: 10,
      retryAttempts: 3,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
    });
  });

  it('starts from the oldest record or only from new ones, as the mapping says', () => {
    // GIVEN a mapping from TRIM_HORIZON and one from LATEST, WHEN resolved, THEN each keeps its own
    expect([resolve().startingPosition, resolve({ StartingPosition: 'LATEST' }).startingPosition]).toEqual([
      'TRIM_HORIZON',
      'LATEST',
    ]);
  });

  it('turns the batching window from seconds into milliseconds', () => {
    // GIVEN a window of 2.5 s, WHEN resolved, THEN it is 2,500 ms
    expect(resolve({ MaximumBatchingWindowInSeconds: 2.5 }).windowMs).toBe(2500);
  });

  it('retries 10 times when the attempts are -1 (forever) or not set, as AWS does with a destination', () => {
    // GIVEN both ways of leaving the retries to AWS, WHEN resolved, THEN each is 10
    expect([
      resolve({ MaximumRetryAttempts: -1 }),
      resolve({ MaximumRetryAttempts: undefined }),
    ]).toMatchObject([{ retryAttempts: 10 }, { retryAttempts: 10 }]);
  });

  it('does not report batch item failures when the mapping has no response types', () => {
    // GIVEN no FunctionResponseTypes, WHEN resolved, THEN whole batches fail
    expect(resolve({ FunctionResponseTypes: undefined }).reportBatchItemFailures).toBe(false);
  });

  it('names the stack and mapping when a reference is not deployed', () => {
    // GIVEN a function the stack does not have
    // WHEN resolved THEN the error says which mapping and what it could not resolve
    expect(() => resolve({ FunctionName: { Ref: 'GoneFn' } })).toThrow(
      /local event source OrderLog\/AuditMapping: cannot resolve its function .*GoneFn/,
    );
  });

  it('names the stack and mapping when there is no topic', () => {
    // GIVEN a mapping with no topics, WHEN resolved, THEN the error names it
    expect(() => resolve({ Topics: [] })).toThrow(/OrderLog\/AuditMapping: the mapping names no topic/);
  });

  it('names the stack and mapping when there is no consumer group', () => {
    // GIVEN a mapping with no group, WHEN resolved, THEN the error names it
    expect(() => resolve({ ConsumerGroupId: undefined })).toThrow(/OrderLog\/AuditMapping: .*consumer group/);
  });
});

describe('invokeResult', () => {
  it("turns a function error's type and message into the error", () => {
    // GIVEN the payload Lambda returns for a handler that threw
    const payload = bytes(
      JSON.stringify({ errorType: 'Error', errorMessage: 'audit table throttled', trace: [] }),
    );

    // WHEN read THEN it failed with 'type: message'
    expect(invokeResult('Unhandled', payload)).toEqual({ ok: false, error: 'Error: audit table throttled' });
  });

  it('keeps a function error payload that is not JSON as its text', () => {
    // GIVEN a runtime crash with a plain-text payload, WHEN read, THEN the text is the error
    expect(invokeResult('Unhandled', bytes('Runtime exited with error: signal: killed'))).toEqual({
      ok: false,
      error: 'Runtime exited with error: signal: killed',
    });
  });

  it('falls back to the FunctionError when there is no payload', () => {
    // GIVEN a function error with no payload, WHEN read, THEN the error is the FunctionError
    expect(invokeResult('Unhandled', undefined)).toEqual({ ok: false, error: 'Unhandled' });
  });

  it('is a success when there is no function error', () => {
    // GIVEN a handler that returned, WHEN read, THEN the invocation succeeded
    expect(invokeResult(undefined, bytes('null'))).toEqual({ ok: true });
  });
});
