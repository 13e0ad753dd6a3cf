import { Aspects, type CfnResource, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import cdkNag from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { EmulatorCompatibility } from '../../lib/emulator/emulator-compatibility.js';
import type { IdempotencyTable } from '../../lib/patterns/idempotency-table/index.js';
import type { QueueConsumer } from '../../lib/patterns/queue-consumer/index.js';
import { DATA_KEYS_STACK_ID, DataKeysStack } from '../../lib/stacks/data-keys-stack.js';
import { OrderEventsStack } from '../../lib/stacks/order-events-stack.js';
import { OrderFulfilmentStack } from '../../lib/stacks/order-fulfilment-stack.js';
import { OrderNotificationsStack } from '../../lib/stacks/order-notifications-stack.js';
import { ORDER_ROUTES } from '../../lib/stacks/order-routes.js';
import {
  createApp,
  ENV,
  FAULT,
  logicalIdOfToken,
  type StateMachineDefinition,
  type SynthOutcome,
  stateMachineDefinition,
  stateOf,
  synthesizeWithValidation,
  traceExecution,
} from './support.js';

/** An app that bundles no handler: these tests read templates, not bundles. */
const appWithoutBundling = () => createApp({ context: { 'aws:cdk:bundling-stacks': [] } });

/** The saga's Task states and the export of lambdas/fulfilment/handler.ts each one invokes. */
const TASK_HANDLERS = {
  ReserveStock: 'reserveStock',
  CompensateReserveStock: 'releaseStock',
  AuthorizePayment: 'authorizePayment',
  CompensateAuthorizePayment: 'voidPayment',
  CreateShipment: 'createShipment',
  CompensateCreateShipment: 'cancelShipment',
  ConfirmOrder: 'confirmOrder',
  SettleConfirmOrder: 'settleOrder',
  OnCompensated: 'cancelOrder',
} as const;
const HANDLERS = Object.values(TASK_HANDLERS);
type Handler = (typeof HANDLERS)[number];

const DECLINED = { outcome: 'DECLINED', reason: 'PAYMENT_DECLINED' };

/** What the EventRoute default retry policy renders as. */
const DEFAULT_RETRY = { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 };

/** The OrderEvents stack and, on its bus, the OrderFulfilment stack, as bin/app.ts builds them. */
function fulfilmentOnOrdersBus(stateMachineType?: sfn.StateMachineType) {
  const app = appWithoutBundling();
  const orderEvents = new OrderEventsStack(app, 'OrderEvents', { env: ENV });
  const stack = new OrderFulfilmentStack(app, 'OrderFulfilment', {
    env: ENV,
    bus: orderEvents.bus,
    statusTopic: sns.Topic.fromTopicArn(
      orderEvents,
      'StatusStream',
      'arn:aws:sns:us-east-1:123456789012:status.fifo',
    ),
    ...(stateMachineType ? { stateMachineType } : {}),
  });
  return { stack, template: Template.fromStack(stack) };
}

/** A reference to the orders bus exported by the OrderEvents stack. */
const importedFromOrderEvents = () => ({ 'Fn::ImportValue': Match.stringLikeRegexp('^OrderEvents:') });

describe('OrderFulfilmentStack saga', () => {
  let stack: OrderFulfilmentStack;
  let template: Template;
  let definition: StateMachineDefinition;
  beforeAll(() => {
    // GIVEN / WHEN the stack on the orders bus
    ({ stack, template } = fulfilmentOnOrdersBus());
    // Each Task's Resource reads as the logical id of the function it invokes
    definition = stateMachineDefinition(template, logicalIdOfToken);
  });

  /** The handler (`index.<export>`) of the function a Task state invokes. */
  const handlerInvokedBy = (task: string) => {
    const functionId = stateOf(definition, task).Resource ?? '';
    return template.findResources('AWS::Lambda::Function')[functionId]?.Properties?.Handler;
  };

  it('has one state machine', () => {
    // THEN
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  });

  it('has a Task state for each of the four steps, three compensations, the settle and two hooks', () => {
    // THEN
    const tasks = Object.entries(definition.States)
      .filter(([, s]) => s.Type === 'Task')
      .map(([name]) => name);
    expect(tasks.sort()).toEqual(Object.keys(TASK_HANDLERS).sort());
  });

  it.each(Object.entries(TASK_HANDLERS))('invokes the %s function from its Task state', (task, handler) => {
    // THEN
    expect(handlerInvokedBy(task)).toBe(`index.${handler}`);
  });

  it('reserves stock, authorizes payment, creates the shipment and confirms, in order', () => {
    // WHEN every step returns OK
    const trace = traceExecution(definition);
    // THEN
    expect(trace.tasks).toEqual(['ReserveStock', 'AuthorizePayment', 'CreateShipment', 'ConfirmOrder']);
    expect(stateOf(definition, trace.end).Type).toBe('Succeed');
  });

  it('ends a confirmed order with the output { outcome: CONFIRMED }', () => {
    // WHEN every step returns OK
    const trace = traceExecution(definition);
    // THEN
    expect(trace.output).toEqual({ outcome: 'CONFIRMED' });
  });

  it('compensates in reverse: cancel shipment, void payment, release stock', () => {
    // THEN
    expect(stack.saga.compensationOrder).toEqual([
      'CompensateCreateShipment',
      'CompensateAuthorizePayment',
      'CompensateReserveStock',
    ]);
  });

  it('has nothing to compensate for ConfirmOrder', () => {
    // THEN
    expect(definition.States.CompensateConfirmOrder).toBeUndefined();
  });

  it('succeeds when ConfirmOrder faults but its confirmation had landed', () => {
    // WHEN ConfirmOrder fails for good and the settle finds the order confirmed
    const trace = traceExecution(definition, { ConfirmOrder: FAULT, SettleConfirmOrder: { outcome: 'OK' } });
    // THEN no compensation runs
    expect(trace.tasks.slice(3)).toEqual(['ConfirmOrder', 'SettleConfirmOrder']);
  });

  it('compensates every step when ConfirmOrder faults and the settle abandons the order', () => {
    // WHEN ConfirmOrder fails for good and the settle bars any late confirmation
    const trace = traceExecution(definition, {
      ConfirmOrder: FAULT,
      SettleConfirmOrder: { outcome: 'ABANDONED', reason: 'TECHNICAL_FAILURE' },
    });
    // THEN
    expect(trace.tasks.slice(4)).toEqual([
      'SettleConfirmOrder',
      'CompensateCreateShipment',
      'CompensateAuthorizePayment',
      'CompensateReserveStock',
      'OnCompensated',
    ]);
  });

  it('releases the stock and publishes the cancellation when the payment is declined', () => {
    // WHEN AuthorizePayment returns a business refusal
    const trace = traceExecution(definition, { AuthorizePayment: DECLINED });
    // THEN
    expect(trace.tasks).toEqual([
      'ReserveStock',
      'AuthorizePayment',
      'CompensateReserveStock',
      'OnCompensated',
    ]);
    expect(stateOf(definition, trace.end).Type).toBe('Succeed');
    expect(trace.output).toEqual({
      outcome: 'CANCELLED',
      step: 'AuthorizePayment',
      reason: 'PAYMENT_DECLINED',
    });
  });

  it('cancels the shipment, voids the payment, then releases the stock, when the shipment faults after its retries', () => {
    // WHEN CreateShipment fails for good (a timed-out attempt may still create it)
    const trace = traceExecution(definition, { CreateShipment: FAULT });
    // THEN
    expect(trace.tasks).toEqual([
      'ReserveStock',
      'AuthorizePayment',
      'CreateShipment',
      'CompensateCreateShipment',
      'CompensateAuthorizePayment',
      'CompensateReserveStock',
      'OnCompensated',
    ]);
  });

  it('cancels the shipment, voids the payment and releases the stock when the confirmation is declined', () => {
    // WHEN ConfirmOrder returns a business refusal
    const trace = traceExecution(definition, { ConfirmOrder: DECLINED });
    // THEN
    expect(trace.tasks.slice(4)).toEqual([
      'CompensateCreateShipment',
      'CompensateAuthorizePayment',
      'CompensateReserveStock',
      'OnCompensated',
    ]);
  });

  it('times every task out after 15 s, beyond its function timeout', () => {
    // THEN
    const functions = template.findResources('AWS::Lambda::Function');
    for (const task of Object.keys(TASK_HANDLERS)) {
      const state = stateOf(definition, task);
      expect(state.TimeoutSeconds, task).toBe(15);
      expect(functions[state.Resource ?? '']?.Properties?.Timeout, task).toBeLessThan(15);
    }
  });

  it('is a STANDARD state machine by default', () => {
    // THEN
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'STANDARD' });
  });

  it('is an EXPRESS state machine when asked', () => {
    // GIVEN / WHEN
    const express = fulfilmentOnOrdersBus(sfn.StateMachineType.EXPRESS);
    // THEN
    express.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
    });
  });
});

describe('OrderFulfilmentStack functions', () => {
  let stack: OrderFulfilmentStack;
  let template: Template;
  beforeAll(() => {
    // GIVEN / WHEN the stack on the orders bus
    ({ stack, template } = fulfilmentOnOrdersBus());
  });

  const logicalIdOf = (resource: CfnResource) => stack.getLogicalId(resource);
  const functionOf = (handler: Handler) => stack.functions[handler];

  it.each(HANDLERS)('runs the %s export of the fulfilment handler', (handler) => {
    // THEN
    const resource =
      template.findResources('AWS::Lambda::Function')[
        logicalIdOf(functionOf(handler).function.node.defaultChild as CfnResource)
      ];
    expect(resource?.Properties?.Handler).toBe(`index.${handler}`);
  });

  it.each(HANDLERS)('tells %s the fulfilment table, the idempotency table and the event store', (handler) => {
    // THEN
    const idempotency = stack.node.findChild('Idempotency') as IdempotencyTable;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: `index.${handler}`,
      Environment: {
        Variables: Match.objectLike({
          FULFILMENT_TABLE_NAME: { Ref: logicalIdOf(stack.table.node.defaultChild as dynamodb.CfnTable) },
          IDEMPOTENCY_TABLE_NAME: {
            Ref: logicalIdOf(idempotency.table.node.defaultChild as dynamodb.CfnTable),
          },
          EVENT_STORE_TABLE: {
            Ref: logicalIdOf(stack.eventStore.table.node.defaultChild as dynamodb.CfnTable),
          },
        }),
      },
    });
  });

  it('lets only the outbox relay put events, on the orders bus only', () => {
    // THEN
    const putters = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) => {
      const statements = policy.Properties.PolicyDocument.Statement as Array<{
        Action: string | string[];
        Resource: unknown;
      }>;
      const puts = statements.filter((s) =>
        [s.Action].flat().some((a) => a === 'events:PutEvents' || a === 'events:*' || a === '*'),
      );
      return puts.map((s) => ({
        roles: policy.Properties.Roles as unknown[],
        resource: s.Resource,
      }));
    });
    expect(putters).toHaveLength(1);
    const roleIds = putters.flatMap((p) => p.roles.map(logicalIdOfToken));
    expect(roleIds).toEqual([logicalIdOf(stack.relay.role.node.defaultChild as CfnResource)]);
    for (const p of putters) {
      expect(p.resource).toEqual({
        'Fn::ImportValue': expect.stringMatching(/^OrderEvents:ExportsOutputFnGetAttOrdersBus.*Arn/),
      });
    }
  });
});

describe('OrderFulfilmentStack intake', () => {
  let stack: OrderFulfilmentStack;
  let template: Template;
  let starter: QueueConsumer;
  beforeAll(() => {
    // GIVEN / WHEN the stack on the orders bus
    ({ stack, template } = fulfilmentOnOrdersBus());
    starter = stack.node.findChild('SagaStarter') as QueueConsumer;
  });

  const starterRoleId = () => stack.getLogicalId(starter.function.role.node.defaultChild as CfnResource);

  it('adds one rule, on the orders bus', () => {
    // THEN
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', { EventBusName: importedFromOrderEvents() });
  });

  it('matches every OrderPlaced from the orders service', () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.exact({ source: ['com.example.orders'], 'detail-type': ['OrderPlaced'] }),
    });
  });

  it('takes the intake route of order-routes.ts', () => {
    // THEN
    const { detailType, ...rest } = ORDER_ROUTES.intake.pattern as events.EventPattern;
    template.hasResourceProperties('AWS::Events::Rule', {
      Description: ORDER_ROUTES.intake.description,
      EventPattern: Match.exact({ ...rest, 'detail-type': detailType }),
    });
  });

  it('targets the SagaIntakeQueue', () => {
    // THEN
    expect(stack.intake.node.id).toBe('SagaIntakeQueue');
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ Arn: stack.resolve(stack.intake.queue.queueArn) })],
    });
  });

  it('dead-letters undeliverable OrderPlaced events with the retry policy', () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          RetryPolicy: Match.exact(DEFAULT_RETRY),
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
  });

  it('lets the intake rule, and only it, send to the intake queue', () => {
    // THEN
    const rule = Object.keys(template.findResources('AWS::Events::Rule'))[0] ?? '';
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [stack.resolve(stack.intake.queue.queueUrl)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: Match.arrayWith(['sqs:SendMessage']),
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [rule, 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it('dead-letters intake messages after 5 receives', () => {
    // THEN
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: stack.resolve(stack.intake.deadLetterQueue.queueArn),
        maxReceiveCount: 5,
      },
    });
  });

  it('feeds the SagaStarter from the intake queue through one event source mapping', () => {
    // THEN
    const fromIntake = template.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { EventSourceArn: stack.resolve(stack.intake.queue.queueArn) },
    });
    expect(Object.keys(fromIntake)).toHaveLength(1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: stack.resolve(stack.intake.queue.queueArn),
      FunctionName: stack.resolve(starter.function.functionName),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it("relays the event store's stream in order from the start, bisecting a failing batch, 10 retries, then the relay DLQ", () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: stack.resolve(stack.eventStore.table.tableStreamArn),
      FunctionName: stack.resolve(stack.relay.functionName),
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      DestinationConfig: { OnFailure: { Destination: stack.resolve(stack.relayDeadLetters.queueArn) } },
      // No partial batch response: the emulator ignores one (docs/emulator-parity.md).
      FunctionResponseTypes: Match.absent(),
    });
  });

  it('lets the outbox relay publish to the status stream, and alarms on its dead letters', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          STATUS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:status.fifo',
          RELAY_DEAD_LETTER_URL: stack.resolve(stack.relayDeadLetters.queueUrl),
        }),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: stack.resolve(stack.relayDeadLetters.queueName) }],
      Threshold: 1,
    });
  });

  it('tells the SagaStarter the state machine ARN', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          STATE_MACHINE_ARN: stack.resolve(stack.saga.stateMachine.stateMachineArn),
        }),
      },
    });
  });

  it('lets the SagaStarter start executions of the state machine', () => {
    // THEN
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: starterRoleId() }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'states:StartExecution',
            Resource: stack.resolve(stack.saga.stateMachine.stateMachineArn),
          },
        ]),
      },
    });
  });

  it('lets the SagaStarter write to the fulfilment table, where it keeps payment tokens', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          STATE_MACHINE_ARN: stack.resolve(stack.saga.stateMachine.stateMachineArn),
          FULFILMENT_TABLE_NAME: stack.resolve(stack.table.tableName),
        }),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: starterRoleId() }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: Match.arrayWith(['dynamodb:PutItem']),
            Resource: Match.arrayWith([stack.resolve(stack.table.tableArn)]),
          }),
        ]),
      },
    });
  });

  // The execution history keeps every state for 90 days: no state reads or passes a token.
  it('never names a payment token in the saga definition, and logs no execution data', () => {
    // THEN
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    expect(JSON.stringify(machine?.Properties?.DefinitionString)).not.toMatch(/paymentToken\b/);
    expect(machine?.Properties?.LoggingConfiguration).toMatchObject({ IncludeExecutionData: false });
  });

  // An Express workflow has no execution history: its logs are all there is, and they keep no data either.
  it('logs no execution data as an EXPRESS state machine either', () => {
    // GIVEN / WHEN
    const express = fulfilmentOnOrdersBus(sfn.StateMachineType.EXPRESS).template;
    // THEN
    const machine = Object.values(express.findResources('AWS::StepFunctions::StateMachine'))[0];
    expect(machine?.Properties?.LoggingConfiguration).toMatchObject({ IncludeExecutionData: false });
  });

  // The starter receives OrderPlaced with its token: its logs must not carry the event.
  it('has no function log its incoming event', () => {
    // THEN
    const logging = Object.values(template.findResources('AWS::Lambda::Function')).filter(
      (f) => f.Properties?.Environment?.Variables?.POWERTOOLS_LOGGER_LOG_EVENT === 'true',
    );
    expect(logging).toEqual([]);
  });
});

interface AppOptions {
  /** With the emulator aspect of `-c target=emulator`. */
  readonly emulator?: boolean;
  /** With a customer-managed key per stack, as `-c customerKeys=true`. */
  readonly keys?: boolean;
  /** Something to add to the fulfilment stack. */
  readonly extend?: (fulfilment: OrderFulfilmentStack) => void;
  readonly pack?: 'AwsSolutions' | 'Serverless';
}

/**
 * The app as bin/app.ts builds it: the three stacks on the orders bus and one cdk-nag pack (AwsSolutions unless told). Handlers are not bundled and CDK's built-in
 * template validation is off (no rule reads either).
 */
function synthesizeApp(options: AppOptions = {}): SynthOutcome {
  const app = appWithoutBundling();
  const keys = options.keys ? new DataKeysStack(app, DATA_KEYS_STACK_ID, { env: ENV }) : undefined;
  const keyed = (id: string) => ({ env: ENV, encryptionKey: keys?.keyFor(id) });
  const orderEvents = new OrderEventsStack(app, 'OrderEvents', keyed('OrderEvents'));
  const notifications = new OrderNotificationsStack(app, 'OrderNotifications', {
    ...keyed('OrderNotifications'),
    bus: orderEvents.bus,
  });
  const fulfilment = new OrderFulfilmentStack(app, 'OrderFulfilment', {
    ...keyed('OrderFulfilment'),
    bus: orderEvents.bus,
    statusTopic: notifications.statusStream.topic,
  });
  options.extend?.(fulfilment);
  const pack =
    options.pack === 'Serverless'
      ? new cdkNag.ServerlessChecks(app, { verbose: true })
      : new cdkNag.AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(pack);
  if (options.emulator) Aspects.of(app).add(new EmulatorCompatibility());
  return synthesizeWithValidation(app, pack.name);
}

describe('the order app with the fulfilment saga under cdk-nag AwsSolutions', () => {
  it('synthesizes for AWS with no unacknowledged finding', () => {
    // GIVEN / WHEN
    const outcome = synthesizeApp();
    // THEN
    expect(outcome.findings).toEqual([]);
    expect(outcome.error).toBeUndefined();
  });

  it('synthesizes for the emulator with no unacknowledged finding', () => {
    // GIVEN / WHEN
    const outcome = synthesizeApp({ emulator: true });
    // THEN
    expect(outcome.findings).toEqual([]);
    expect(outcome.error).toBeUndefined();
  });

  it('synthesizes with a customer-managed key per stack with no unacknowledged finding', () => {
    // GIVEN / WHEN
    const outcome = synthesizeApp({ keys: true });
    // THEN
    expect(outcome.findings).toEqual([]);
    expect(outcome.error).toBeUndefined();
  });

  it('synthesizes with no unacknowledged finding of the Serverless pack either', () => {
    // GIVEN / WHEN
    const outcome = synthesizeApp({ pack: 'Serverless' });
    // THEN
    expect(outcome.findings).toEqual([]);
    expect(outcome.error).toBeUndefined();
  });

  it('synthesizes with a customer-managed key per stack with no unacknowledged Serverless finding', () => {
    // GIVEN / WHEN
    const outcome = synthesizeApp({ keys: true, pack: 'Serverless' });
    // THEN
    expect(outcome.findings).toEqual([]);
    expect(outcome.error).toBeUndefined();
  });

  it('reports an unacknowledged Serverless finding', () => {
    // GIVEN / WHEN a queue without a redrive policy is added to the fulfilment stack
    const outcome = synthesizeApp({
      pack: 'Serverless',
      extend: (fulfilment) => {
        new sqs.Queue(fulfilment, 'NoRedrive', {
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
        });
      },
    });
    // THEN
    expect(outcome.findings).toContainEqual(
      expect.objectContaining({
        rule: 'Serverless-SQSRedrivePolicy',
        constructPath: 'OrderFulfilment/NoRedrive/Resource',
      }),
    );
  });

  it('reports an unacknowledged finding in the OrderFulfilment stack', () => {
    // GIVEN / WHEN a queue that breaks an AwsSolutions rule is added to the fulfilment stack
    const outcome = synthesizeApp({
      extend: (fulfilment) => {
        new sqs.Queue(fulfilment, 'Unencrypted', { encryption: sqs.QueueEncryption.UNENCRYPTED });
      },
    });
    // THEN
    expect(outcome.findings).toContainEqual({
      rule: 'AwsSolutions-SQS2',
      severity: 'error',
      constructPath: 'OrderFulfilment/Unencrypted/Resource',
    });
  });
});
