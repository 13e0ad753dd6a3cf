import { CfnParameter, Duration, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { Saga, type SagaProps, type SagaStep } from '../../lib/patterns/saga/index.js';
import {
  type AslState,
  createStack,
  FAULT,
  type StateMachineDefinition,
  stateMachineDefinition,
  stateOf,
  traceExecution,
} from './support.js';

/** What every task's retrier of `States.ALL` renders as by default. */
const DEFAULT_RETRY = {
  ErrorEquals: ['States.ALL'],
  IntervalSeconds: 1,
  MaxAttempts: 3,
  BackoffRate: 2,
  MaxDelaySeconds: 30,
  JitterStrategy: 'FULL',
};

/** What a compensation's retrier renders as by default: longer than an action's. */
const DEFAULT_COMPENSATION_RETRY = { ...DEFAULT_RETRY, MaxAttempts: 10 };

/** A function with inline code: nothing to bundle. */
function fn(stack: Stack, id: string): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline("exports.handler = async () => ({ outcome: 'OK' });"),
  });
}

/** A step with an action and, unless `compensated` is false, a compensation. */
function step(
  stack: Stack,
  name: string,
  options: Partial<SagaStep> & { compensated?: boolean } = {},
): SagaStep {
  const { compensated = true, ...rest } = options;
  return {
    name,
    action: fn(stack, `${name}Action`),
    ...(compensated ? { compensation: fn(stack, `${name}Compensation`) } : {}),
    ...rest,
  };
}

interface Fixture {
  readonly stack: Stack;
  readonly saga: Saga;
  readonly template: Template;
  readonly definition: StateMachineDefinition;
}

/** A saga in a stack of its own; `props` gets the stack to build its steps and functions in. */
function buildSaga(props: (stack: Stack) => SagaProps): Fixture {
  const stack = createStack();
  const saga = new Saga(stack, 'Saga', props(stack));
  const template = Template.fromStack(stack);
  return { stack, saga, template, definition: stateMachineDefinition(template) };
}

/** Steps A, B and C, each with a compensation (unless `overrides` has steps), and both hooks. */
function threeSteps(stack: Stack, overrides: Partial<SagaProps> = {}): SagaProps {
  const { steps, ...rest } = overrides;
  return {
    steps: steps ?? [step(stack, 'A'), step(stack, 'B'), step(stack, 'C')],
    onSuccess: fn(stack, 'Confirm'),
    onCompensated: fn(stack, 'Cancel'),
    ...rest,
  };
}

/** Names of the definition's Task states, sorted. */
const taskStates = (definition: StateMachineDefinition) =>
  Object.entries(definition.States)
    .filter(([, s]) => s.Type === 'Task')
    .map(([name]) => name)
    .sort();

/** The retrier of `States.ALL` of a state. */
const catchAllRetrier = (state: AslState) => state.Retry?.find((r) => r.ErrorEquals.includes('States.ALL'));

/**
 * The compensation Task states in the order the chain entered at `from` runs them when every
 * step completed: follows Next, and at every Choice its default (the step is to be undone)
 * rather than its rules (it never ran or refused), up to a state without a Next.
 */
function compensationChain(definition: StateMachineDefinition, from: string): string[] {
  const visited: string[] = [];
  let name: string | undefined = from;
  while (name !== undefined && !visited.includes(name)) {
    visited.push(name);
    const state: AslState = stateOf(definition, name);
    name = state.Type === 'Choice' ? state.Default : state.Next;
  }
  return visited.filter((n) => stateOf(definition, n).Type === 'Task' && n.startsWith('Compensate'));
}

const ALL_TASKS = [
  'A',
  'B',
  'C',
  'CompensateA',
  'CompensateB',
  'CompensateC',
  'OnCompensated',
  'OnSuccess',
] as const;
const STEPS = ['A', 'B', 'C'] as const;
const ACTIONS = STEPS;
/** The tasks that run once the outcome is decided, and must not give up. */
const COMPENSATIONS_AND_HOOKS = ALL_TASKS.filter((t) => !(STEPS as readonly string[]).includes(t));

describe('Saga with three compensated steps and both hooks', () => {
  let f: Fixture;
  beforeAll(() => {
    // GIVEN / WHEN a saga of steps A, B and C, each with a compensation, and both hooks
    f = buildSaga((stack) => threeSteps(stack));
  });

  it('has a Task state for every action, compensation and hook', () => {
    // THEN
    expect(taskStates(f.definition)).toEqual([...ALL_TASKS]);
  });

  it('starts with the first step', () => {
    // THEN
    expect(f.definition.StartAt).toBe('A');
  });

  it.each(ACTIONS)(
    'retries %s on States.ALL with 1 s, 3 attempts, backoff 2, a 30 s cap and full jitter',
    (task) => {
      // THEN
      expect(catchAllRetrier(stateOf(f.definition, task))).toEqual(DEFAULT_RETRY);
    },
  );

  it.each(COMPENSATIONS_AND_HOOKS)(
    'retries %s longer (it runs after the outcome is decided): 10 attempts',
    (task) => {
      // THEN
      expect(catchAllRetrier(stateOf(f.definition, task))).toEqual(DEFAULT_COMPENSATION_RETRY);
    },
  );

  it.each(ALL_TASKS)('times %s out after 30 s', (task) => {
    // THEN
    expect(stateOf(f.definition, task).TimeoutSeconds).toBe(30);
  });

  it.each(STEPS)('catches every fault of step %s into its Faulted state', (name) => {
    // THEN
    expect(stateOf(f.definition, name).Catch).toEqual([
      expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: `${name}Faulted` }),
    ]);
  });

  it.each(STEPS)('records a fault of step %s as a technical failure of that step', (name) => {
    // THEN
    expect(stateOf(f.definition, `${name}Faulted`)).toMatchObject({
      Type: 'Pass',
      ResultPath: '$.failure',
      Parameters: { step: name, reason: 'TECHNICAL_FAILURE' },
    });
  });

  it.each(STEPS)("follows step %s with a Choice on its result's outcome being OK", (name) => {
    // THEN
    expect(stateOf(f.definition, name).Next).toBe(`${name}Succeeded?`);
    const check = stateOf(f.definition, `${name}Succeeded?`);
    expect(check.Type).toBe('Choice');
    expect(check.Choices).toEqual([
      expect.objectContaining({
        And: [
          { Variable: `$.results.${name}.outcome`, IsPresent: true },
          { Variable: `$.results.${name}.outcome`, StringEquals: 'OK' },
        ],
      }),
      expect.objectContaining({
        Variable: `$.results.${name}.reason`,
        IsPresent: true,
        Next: `${name}Declined`,
      }),
    ]);
    // A result with neither an OK outcome nor a reason is a bug in the step: compensate anyway.
    expect(check.Default).toBe(`${name}ReturnedNoOutcome`);
  });

  it('runs A, B and C in order, then OnSuccess, and ends in a Succeed state', () => {
    // WHEN every step returns OK
    const trace = traceExecution(f.definition);
    // THEN
    expect(trace.tasks).toEqual(['A', 'B', 'C', 'OnSuccess']);
    expect(stateOf(f.definition, trace.end).Type).toBe('Succeed');
  });

  it('goes from OnSuccess straight to the Succeed state', () => {
    // THEN
    expect(stateOf(f.definition, stateOf(f.definition, 'OnSuccess').Next ?? '').Type).toBe('Succeed');
  });

  it('outputs only the outcome COMPLETED after every step succeeded', () => {
    // WHEN every step returns OK
    const trace = traceExecution(f.definition, {}, { order: { id: 'o-1' } });
    // THEN
    expect(trace.output).toEqual({ outcome: 'COMPLETED' });
  });

  it('chains the compensations from the last step to the first: C, B, A', () => {
    // WHEN the chain is followed from the last step's business failure, every step completed
    const chain = compensationChain(f.definition, 'CDeclined');
    // THEN
    expect(chain).toEqual(['CompensateC', 'CompensateB', 'CompensateA']);
  });

  it('enters the same chain from a technical fault of the last step', () => {
    // THEN
    expect(stateOf(f.definition, 'CFaulted').Next).toBe(stateOf(f.definition, 'CDeclined').Next);
  });

  it('exposes that order as compensationOrder', () => {
    // THEN
    expect(f.saga.compensationOrder).toEqual(['CompensateC', 'CompensateB', 'CompensateA']);
  });

  it('compensates A unless A never ran or refused', () => {
    // THEN
    const choice = stateOf(f.definition, 'DidAComplete');
    expect(choice).toMatchObject({
      Type: 'Choice',
      Choices: [
        { Variable: '$.results.A', IsPresent: false },
        {
          And: [
            { Variable: '$.results.A.outcome', IsPresent: true },
            { Not: { Variable: '$.results.A.outcome', StringEquals: 'OK' } },
          ],
        },
      ],
      Default: 'CompensateA',
    });
    expect(choice.Choices?.every((c) => c.Next !== 'CompensateA')).toBe(true);
  });

  it('compensates A, and only A, when B declines', () => {
    // WHEN B returns a business failure
    const trace = traceExecution(f.definition, { B: { outcome: 'DECLINED', reason: 'NO' } });
    // THEN
    expect(trace.tasks).toEqual(['A', 'B', 'CompensateA', 'OnCompensated']);
  });

  it('compensates B, then A, when B faults after its retries (B may have done its work)', () => {
    // WHEN B fails for good
    const trace = traceExecution(f.definition, { B: FAULT });
    // THEN
    expect(trace.tasks).toEqual(['A', 'B', 'CompensateB', 'CompensateA', 'OnCompensated']);
  });

  it('compensates B, then A, when B returns no outcome (B may have done its work)', () => {
    // WHEN B returns a result without an outcome
    const trace = traceExecution(f.definition, { B: { status: 'done' } });
    // THEN
    expect(trace.tasks).toEqual(['A', 'B', 'CompensateB', 'CompensateA', 'OnCompensated']);
  });

  it('compensates B, then A, when C declines', () => {
    // WHEN C returns a business failure
    const trace = traceExecution(f.definition, { C: { outcome: 'DECLINED', reason: 'NO' } });
    // THEN
    expect(trace.tasks).toEqual(['A', 'B', 'C', 'CompensateB', 'CompensateA', 'OnCompensated']);
  });

  it('compensates nothing when A declines', () => {
    // WHEN the first step returns a business failure
    const trace = traceExecution(f.definition, { A: { outcome: 'DECLINED', reason: 'NO' } });
    // THEN
    expect(trace.tasks).toEqual(['A', 'OnCompensated']);
  });

  it('outputs the outcome COMPENSATED with the failed step and its reason, and only that', () => {
    // WHEN B declines
    const trace = traceExecution(
      f.definition,
      { B: { outcome: 'DECLINED', reason: 'NO_STOCK' } },
      { order: { id: 'o-1' } },
    );
    // THEN
    expect(trace.output).toEqual({ outcome: 'COMPENSATED', step: 'B', reason: 'NO_STOCK' });
  });

  it('records the outcome before OnCompensated runs, keeping $.failure for it', () => {
    // THEN the Pass before the hook writes the outcome beside the state, not over it
    expect(stateOf(f.definition, 'Compensated')).toMatchObject({
      Type: 'Pass',
      ResultPath: '$.outcome',
      Next: 'OnCompensated',
    });
  });

  it.each(STEPS)('stops at a Fail state with error CompensationFailed if Compensate%s faults', (name) => {
    // THEN
    const catchers = stateOf(f.definition, `Compensate${name}`).Catch ?? [];
    expect(catchers).toHaveLength(1);
    expect(catchers[0]?.ErrorEquals).toEqual(['States.ALL']);
    expect(stateOf(f.definition, catchers[0]?.Next ?? '')).toMatchObject({
      Type: 'Fail',
      Error: 'CompensationFailed',
    });
  });

  it('runs no further compensation after one fails for good', () => {
    // WHEN C declines and B's compensation fails for good
    const trace = traceExecution(f.definition, {
      C: { outcome: 'DECLINED', reason: 'NO' },
      CompensateB: FAULT,
    });
    // THEN
    expect(trace.tasks).toEqual(['A', 'B', 'C', 'CompensateB']);
    expect(stateOf(f.definition, trace.end)).toMatchObject({ Type: 'Fail', Error: 'CompensationFailed' });
  });

  // A declined card is a business outcome: the execution must not count in ExecutionsFailed.
  it('ends the compensated path in a Succeed state, after OnCompensated', () => {
    // WHEN B declines
    const trace = traceExecution(f.definition, { B: { outcome: 'DECLINED', reason: 'NO' } });
    // THEN
    expect(trace.states.at(-2)).toBe('OnCompensated');
    expect(trace.end).toBe('SucceededAfterCompensation');
    expect(stateOf(f.definition, trace.end).Type).toBe('Succeed');
  });

  it('has no Fail state but those for a compensation that could not finish', () => {
    // THEN
    const fails = Object.values(f.definition.States).filter((s) => s.Type === 'Fail');
    expect(fails.map((s) => s.Error)).toEqual(STEPS.map(() => 'CompensationFailed'));
  });
});

describe('Saga with a step that has no compensation', () => {
  let f: Fixture;
  beforeAll(() => {
    // GIVEN / WHEN steps A and C with compensations and B without one
    f = buildSaga((stack) => ({
      steps: [step(stack, 'A'), step(stack, 'B', { compensated: false }), step(stack, 'C')],
    }));
  });

  it('leaves that step out of the compensation chain', () => {
    // THEN
    expect(f.definition.States.CompensateB).toBeUndefined();
    expect(f.definition.States.DidBComplete).toBeUndefined();
    expect(compensationChain(f.definition, 'CDeclined')).toEqual(['CompensateC', 'CompensateA']);
  });

  it('leaves it out of compensationOrder', () => {
    // THEN
    expect(f.saga.compensationOrder).toEqual(['CompensateC', 'CompensateA']);
  });

  it('still compensates the step before it when the step after it declines', () => {
    // WHEN C declines
    const trace = traceExecution(f.definition, { C: { outcome: 'DECLINED', reason: 'NO' } });
    // THEN
    expect(trace.tasks).toEqual(['A', 'B', 'C', 'CompensateA']);
  });
});

describe('Saga with a settle on its pivot step', () => {
  let f: Fixture;
  beforeAll(() => {
    // GIVEN / WHEN steps A and B with compensations and a pivot C with no compensation but a settle
    f = buildSaga((stack) =>
      threeSteps(stack, {
        steps: [
          step(stack, 'A'),
          step(stack, 'B'),
          step(stack, 'C', { compensated: false, settle: fn(stack, 'CSettle') }),
        ],
      }),
    );
  });

  it('goes on to OnSuccess when C faults but its settle finds it happened', () => {
    // WHEN C fails for good and SettleC reports it done
    const trace = traceExecution(f.definition, { C: FAULT, SettleC: { outcome: 'OK' } });
    // THEN
    expect(trace.tasks).toEqual(['A', 'B', 'C', 'SettleC', 'OnSuccess']);
    expect(stateOf(f.definition, trace.end).Type).toBe('Succeed');
  });

  it('compensates B, then A, when C faults and its settle abandons it', () => {
    // WHEN C fails for good and SettleC makes sure it never happens
    const trace = traceExecution(f.definition, {
      C: FAULT,
      SettleC: { outcome: 'ABANDONED', reason: 'TECHNICAL_FAILURE' },
    });
    // THEN
    expect(trace.tasks).toEqual(['A', 'B', 'C', 'SettleC', 'CompensateB', 'CompensateA', 'OnCompensated']);
    expect(trace.output).toEqual({ outcome: 'COMPENSATED', step: 'C', reason: 'TECHNICAL_FAILURE' });
  });

  it('does not settle C when C declines', () => {
    // WHEN C returns a business failure
    const trace = traceExecution(f.definition, { C: { outcome: 'DECLINED', reason: 'NO' } });
    // THEN
    expect(trace.tasks).toEqual(['A', 'B', 'C', 'CompensateB', 'CompensateA', 'OnCompensated']);
  });

  it('stops at a Fail state with error SettleFailed if the settle faults', () => {
    // WHEN C and then SettleC fail for good
    const trace = traceExecution(f.definition, { C: FAULT, SettleC: FAULT });
    // THEN nothing is compensated: whether C happened is unknown, a person decides
    expect(trace.tasks).toEqual(['A', 'B', 'C', 'SettleC']);
    expect(stateOf(f.definition, trace.end)).toMatchObject({ Type: 'Fail', Error: 'SettleFailed' });
  });

  it('retries the settle by the compensation retry', () => {
    // THEN
    expect(catchAllRetrier(stateOf(f.definition, 'SettleC'))).toEqual(DEFAULT_COMPENSATION_RETRY);
  });
});

describe('Saga without hooks', () => {
  let f: Fixture;
  beforeAll(() => {
    // GIVEN / WHEN steps A and B and no onSuccess or onCompensated
    f = buildSaga((stack) => ({ steps: [step(stack, 'A'), step(stack, 'B')] }));
  });

  it('has no hook Task states', () => {
    // THEN
    expect(taskStates(f.definition)).toEqual(['A', 'B', 'CompensateA', 'CompensateB']);
  });

  it('ends a successful run in a Succeed state after the last step', () => {
    // WHEN every step returns OK
    const trace = traceExecution(f.definition);
    // THEN
    expect(trace.tasks).toEqual(['A', 'B']);
    expect(stateOf(f.definition, trace.end).Type).toBe('Succeed');
  });

  it('ends a compensated run in a Succeed state with the outcome COMPENSATED', () => {
    // WHEN B declines
    const trace = traceExecution(f.definition, { B: { outcome: 'DECLINED', reason: 'NO' } });
    // THEN
    expect(trace.tasks).toEqual(['A', 'B', 'CompensateA']);
    expect(stateOf(f.definition, trace.end).Type).toBe('Succeed');
    expect(trace.output).toEqual({ outcome: 'COMPENSATED', step: 'B', reason: 'NO' });
  });
});

describe('Saga retry and timeout', () => {
  it("retries every action by the saga's retry", () => {
    // GIVEN / WHEN a saga retry
    const { definition } = buildSaga((stack) =>
      threeSteps(stack, {
        retry: {
          interval: Duration.seconds(2),
          maxAttempts: 5,
          backoffRate: 1.5,
          maxDelay: Duration.seconds(10),
        },
      }),
    );
    // THEN
    for (const task of ACTIONS) {
      expect(catchAllRetrier(stateOf(definition, task)), task).toEqual({
        ...DEFAULT_RETRY,
        IntervalSeconds: 2,
        MaxAttempts: 5,
        BackoffRate: 1.5,
        MaxDelaySeconds: 10,
      });
    }
  });

  it("retries every compensation and hook by compensationRetry, not by the saga's retry", () => {
    // GIVEN / WHEN a saga retry and a compensation retry
    const { definition } = buildSaga((stack) =>
      threeSteps(stack, {
        retry: { maxAttempts: 2 },
        compensationRetry: { interval: Duration.seconds(3), maxAttempts: 20 },
      }),
    );
    // THEN
    for (const task of COMPENSATIONS_AND_HOOKS) {
      expect(catchAllRetrier(stateOf(definition, task)), task).toEqual({
        ...DEFAULT_RETRY,
        IntervalSeconds: 3,
        MaxAttempts: 20,
      });
    }
  });

  it("retries a step's action by its own retry, over the saga's", () => {
    // GIVEN / WHEN a saga retry, and B's own maxAttempts
    const { definition } = buildSaga((stack) =>
      threeSteps(stack, {
        retry: { interval: Duration.seconds(2) },
        steps: [step(stack, 'A'), step(stack, 'B', { retry: { maxAttempts: 7 } }), step(stack, 'C')],
      }),
    );
    // THEN
    for (const task of ACTIONS) {
      expect(catchAllRetrier(stateOf(definition, task)), task).toEqual({
        ...DEFAULT_RETRY,
        IntervalSeconds: 2,
        MaxAttempts: task === 'B' ? 7 : 3,
      });
    }
  });

  it('times every task out after taskTimeout', () => {
    // GIVEN / WHEN
    const { definition } = buildSaga((stack) => threeSteps(stack, { taskTimeout: Duration.seconds(12) }));
    // THEN
    for (const task of ALL_TASKS) expect(stateOf(definition, task).TimeoutSeconds, task).toBe(12);
  });

  it("times a step's action and compensation out after its own timeout", () => {
    // GIVEN / WHEN B's own timeout
    const { definition } = buildSaga((stack) =>
      threeSteps(stack, {
        steps: [step(stack, 'A'), step(stack, 'B', { timeout: Duration.seconds(45) }), step(stack, 'C')],
      }),
    );
    // THEN
    for (const task of ALL_TASKS) {
      expect(stateOf(definition, task).TimeoutSeconds, task).toBe(
        task === 'B' || task === 'CompensateB' ? 45 : 30,
      );
    }
  });

  it("retries Lambda service errors by the saga's retry too (maxAttempts 0: no retry at all)", () => {
    // GIVEN / WHEN a saga that asks for no retries
    const { definition } = buildSaga((stack) => threeSteps(stack, { retry: { maxAttempts: 0 } }));
    // THEN every action has one retrier, jittered, with no attempt after the first
    for (const task of ACTIONS) {
      expect(stateOf(definition, task).Retry, task).toEqual([{ ...DEFAULT_RETRY, MaxAttempts: 0 }]);
    }
  });
});

describe('Saga state machine', () => {
  let f: Fixture;
  beforeAll(() => {
    // GIVEN / WHEN a saga with its defaults
    f = buildSaga((stack) => threeSteps(stack));
  });

  it('is a STANDARD state machine by default', () => {
    // THEN
    f.template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'STANDARD' });
  });

  it('is an EXPRESS state machine when asked', () => {
    // GIVEN / WHEN
    const express = buildSaga((stack) =>
      threeSteps(stack, { stateMachineType: sfn.StateMachineType.EXPRESS }),
    );
    // THEN
    express.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
    });
  });

  // A saga's state is an order: a customer's e-mail and address must not reach the logs by default.
  it('logs every event, without execution data, to its log group by default', () => {
    // THEN
    f.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [
          { CloudWatchLogsLogGroup: { LogGroupArn: f.stack.resolve(f.saga.logGroup.logGroupArn) } },
        ],
      },
    });
  });

  it('logs execution data only when asked to', () => {
    // GIVEN / WHEN
    const verbose = buildSaga((stack) => threeSteps(stack, { includeExecutionData: true }));
    // THEN
    verbose.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ IncludeExecutionData: true }),
    });
  });

  it('keeps its logs one month', () => {
    // THEN
    f.template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('traces executions with X-Ray', () => {
    // THEN
    f.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
    });
  });

  it('encrypts its data', () => {
    // THEN
    f.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      EncryptionConfiguration: { Type: Match.anyValue() },
    });
  });

  it('times executions out after 5 minutes', () => {
    // THEN
    expect(f.definition.TimeoutSeconds).toBe(300);
  });

  it('times executions out after the given timeout', () => {
    // GIVEN / WHEN
    const { definition } = buildSaga((stack) => threeSteps(stack, { timeout: Duration.hours(1) }));
    // THEN
    expect(definition.TimeoutSeconds).toBe(3600);
  });

  it('has a FailedExecutionsAlarm on ExecutionsFailed of its state machine', () => {
    // THEN: compensated runs succeed, so every failed execution is one a person must look at
    const alarms = f.template.findResources('AWS::CloudWatch::Alarm');
    const alarm = alarms[f.stack.getLogicalId(f.saga.failedAlarm.node.defaultChild as cloudwatch.CfnAlarm)];
    expect(f.saga.failedAlarm.node.id).toBe('FailedExecutionsAlarm');
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: expect.any(String) } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('alarms on executions that timed out', () => {
    // THEN
    f.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsTimedOut',
      Threshold: 1,
    });
  });

  it('needs no log metric filter to tell compensated runs from failures', () => {
    // THEN
    f.template.resourceCountIs('AWS::Logs::MetricFilter', 0);
  });
});

describe('Saga grantStartExecution', () => {
  /** The statements of the starter role's policy. */
  const starterStatements = (encrypted: boolean) => {
    const stack = createStack();
    const key = encrypted ? new kms.Key(stack, 'Key') : undefined;
    const saga = new Saga(stack, 'Saga', { ...threeSteps(stack), encryptionKey: key });
    const starter = new iam.Role(stack, 'Starter', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    saga.grantStartExecution(starter);
    const [policy] = Object.values(
      Template.fromStack(stack).findResources('AWS::IAM::Policy', {
        Properties: { Roles: [stack.resolve(starter.roleName)] },
      }),
    );
    return {
      statements: policy?.Properties.PolicyDocument.Statement as Array<{
        Action: unknown;
        Resource: unknown;
      }>,
      machine: stack.resolve(saga.stateMachine.stateMachineArn),
      key: key && stack.resolve(key.keyArn),
    };
  };

  it('lets the grantee start executions, and nothing else, without a customer-managed key', () => {
    // GIVEN / WHEN
    const { statements, machine } = starterStatements(false);
    // THEN
    expect(statements).toEqual([
      expect.objectContaining({ Action: 'states:StartExecution', Resource: machine }),
    ]);
  });

  // Step Functions encrypts the execution input with the key on the caller's behalf.
  it('lets the grantee generate a data key and decrypt with the saga key it is encrypted with', () => {
    // GIVEN / WHEN
    const { statements, machine, key } = starterStatements(true);
    // THEN
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'states:StartExecution', Resource: machine }),
        expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: key }),
      ]),
    );
    expect(statements).toHaveLength(2);
  });
});

describe('Saga validation', () => {
  const sagaOf = (props: (stack: Stack) => SagaProps) => () => buildSaga(props);

  it('fails if it has no step', () => {
    // THEN
    expect(sagaOf(() => ({ steps: [] }))).toThrow(/1 to 20 steps, got 0/);
  });

  it('fails if it has 21 steps', () => {
    // THEN
    expect(
      sagaOf((stack) => ({ steps: Array.from({ length: 21 }, (_, i) => step(stack, `Step${i}`)) })),
    ).toThrow(/1 to 20 steps, got 21/);
  });

  it('accepts 20 steps', () => {
    // GIVEN / WHEN
    const { saga } = buildSaga((stack) => ({
      steps: Array.from({ length: 20 }, (_, i) => step(stack, `Step${i}`)),
    }));
    // THEN
    expect(saga.compensationOrder).toHaveLength(20);
  });

  it.each(['reserveStock', 'Reserve-Stock', 'Reserve Stock', '1Reserve'])(
    "fails if a step name is not PascalCase: '%s'",
    (name) => {
      // THEN
      expect(sagaOf((stack) => ({ steps: [{ name, action: fn(stack, 'Action') }] }))).toThrow(
        /must be PascalCase/,
      );
    },
  );

  it('fails if two steps have the same name', () => {
    // THEN
    expect(
      sagaOf((stack) => ({
        steps: [
          { name: 'A', action: fn(stack, 'First') },
          { name: 'A', action: fn(stack, 'Second') },
        ],
      })),
    ).toThrow(/step name 'A' is used twice/);
  });

  it.each([
    'Compensated',
    'Completed',
    'Succeeded',
    'SucceededAfterCompensation',
    'StateMachine',
    'TimedOutExecutionsAlarm',
    'CompensateStock',
    'SettleOrder',
    'DidShip',
  ])("fails if a step name (%s) clashes with the saga's own states", (name) => {
    // THEN
    expect(sagaOf((stack) => ({ steps: [{ name, action: fn(stack, 'Action') }] }))).toThrow(
      /clashes with the saga's own states/,
    );
  });

  it('fails if the saga retry maxAttempts is above 99', () => {
    // THEN
    expect(sagaOf((stack) => threeSteps(stack, { retry: { maxAttempts: 100 } }))).toThrow(
      /maxAttempts must be a whole number from 0 to 99, got 100/,
    );
  });

  it("fails if a step's retry maxAttempts is above 99", () => {
    // THEN
    expect(sagaOf((stack) => ({ steps: [step(stack, 'A', { retry: { maxAttempts: 100 } })] }))).toThrow(
      /maxAttempts must be a whole number from 0 to 99, got 100/,
    );
  });

  it('accepts a retry maxAttempts of 99', () => {
    // GIVEN / WHEN
    const { definition } = buildSaga((stack) => threeSteps(stack, { retry: { maxAttempts: 99 } }));
    // THEN
    expect(catchAllRetrier(stateOf(definition, 'A'))?.MaxAttempts).toBe(99);
  });

  it('fails if the retry backoffRate is below 1', () => {
    // THEN
    expect(sagaOf((stack) => threeSteps(stack, { retry: { backoffRate: 0.5 } }))).toThrow(
      /backoffRate must be at least 1, got 0.5/,
    );
  });

  it("fails if a step's retry backoffRate is below 1", () => {
    // THEN
    expect(sagaOf((stack) => ({ steps: [step(stack, 'A', { retry: { backoffRate: 0.5 } })] }))).toThrow(
      /backoffRate must be at least 1/,
    );
  });

  it('accepts a retry backoffRate from a CloudFormation parameter (a token)', () => {
    // GIVEN / WHEN a backoff rate known only at deploy time
    const build = sagaOf((stack) =>
      threeSteps(stack, {
        retry: { backoffRate: new CfnParameter(stack, 'Backoff', { type: 'Number' }).valueAsNumber },
      }),
    );
    // THEN
    expect(build).not.toThrow();
  });

  it('fails if an EXPRESS saga has a timeout above 5 minutes', () => {
    // THEN
    expect(
      sagaOf((stack) =>
        threeSteps(stack, { stateMachineType: sfn.StateMachineType.EXPRESS, timeout: Duration.minutes(6) }),
      ),
    ).toThrow(/EXPRESS state machine runs at most 5 minutes/);
  });

  it('accepts an EXPRESS saga with a timeout of 5 minutes', () => {
    // GIVEN / WHEN
    const { definition } = buildSaga((stack) =>
      threeSteps(stack, { stateMachineType: sfn.StateMachineType.EXPRESS, timeout: Duration.minutes(5) }),
    );
    // THEN
    expect(definition.TimeoutSeconds).toBe(300);
  });
});
