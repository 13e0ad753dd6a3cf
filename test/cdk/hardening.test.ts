import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { ORDERS_SOURCE } from '../../contracts/events/sources.js';
import { Saga } from '../../lib/patterns/saga/index.js';
import { NodeFunction } from '../../lib/shared/node-function.js';
import { serviceTable } from '../../lib/shared/tables.js';
import { lambdaEntry } from '../../lib/stacks/app-functions.js';
import { BENCH_STACK_ID, BenchStack } from '../../lib/stacks/bench-stack.js';
import { DATA_KEYS_STACK_ID, DataKeysStack } from '../../lib/stacks/data-keys-stack.js';
import { OrderEventsStack } from '../../lib/stacks/order-events-stack.js';
import { OrderFulfilmentStack } from '../../lib/stacks/order-fulfilment-stack.js';
import { OrderNotificationsStack } from '../../lib/stacks/order-notifications-stack.js';
import { createApp, ENV } from './support.js';

// The security defaults of the whole app, pinned across every stack. cdk-nag (AwsSolutions and
// Serverless, zero unacknowledged findings) is pinned in test/cdk/order-fulfilment-stack.test.ts.

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}
interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}
interface Found {
  readonly stack: string;
  readonly id: string;
  readonly resource: Resource;
}

/**
 * Actions that support no resource-level permissions: the only ones allowed on `*`. X-Ray
 * (active tracing of functions and the state machine), the vended log delivery that Step
 * Functions logging sets up, and the ListStreams a DynamoDB-stream event source needs.
 */
const UNSCOPABLE_ACTIONS = new Set([
  'dynamodb:ListStreams',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

const actionsOf = (s: Statement) => [s.Action ?? []].flat();
const isTlsDeny = (s: Statement) =>
  s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false';

const propsOf = (f: Found) => f.resource.Properties ?? {};

/** Every IAM statement: policies, managed policies and roles' inline policies. */
function iamStatementsOf(all: readonly Found[]): Array<Statement & { where: string }> {
  return all.flatMap((f) => {
    const p = propsOf(f);
    const documents =
      f.resource.Type === 'AWS::IAM::Policy' || f.resource.Type === 'AWS::IAM::ManagedPolicy'
        ? [p.PolicyDocument]
        : f.resource.Type === 'AWS::IAM::Role'
          ? ((p.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? []).map(
              (x) => x.PolicyDocument,
            )
          : [];
    return documents.flatMap((d) =>
      ((d as { Statement: Statement[] }).Statement ?? []).map((s) => ({ ...s, where: `${f.stack}/${f.id}` })),
    );
  });
}

/** The app's stacks as bin/app.ts builds them (no bundling: templates only), and their resources. */
function buildApp(withKeys: boolean): { stacks: Stack[]; all: Found[]; keys?: DataKeysStack } {
  const app = createApp({ context: { 'aws:cdk:bundling-stacks': [] } });
  const keys = withKeys ? new DataKeysStack(app, DATA_KEYS_STACK_ID, { env: ENV }) : undefined;
  const keyed = (id: string) => ({ env: ENV, encryptionKey: keys?.keyFor(id) });
  const orderEvents = new OrderEventsStack(app, 'OrderEvents', keyed('OrderEvents'));
  const bus = orderEvents.bus;
  const notifications = new OrderNotificationsStack(app, 'OrderNotifications', {
    ...keyed('OrderNotifications'),
    bus,
  });
  const stacks = [
    orderEvents,
    notifications,
    new OrderFulfilmentStack(app, 'OrderFulfilment', {
      ...keyed('OrderFulfilment'),
      bus,
      statusTopic: notifications.statusStream.topic,
    }),
    new BenchStack(app, BENCH_STACK_ID, keyed(BENCH_STACK_ID)),
  ];
  const all = stacks.flatMap((stack) =>
    Object.entries(Template.fromStack(stack).toJSON().Resources as Record<string, Resource>).map(
      ([id, resource]) => ({ stack: stack.stackName, id, resource }),
    ),
  );
  return { stacks, all, keys };
}

describe('the order app hardening', () => {
  let stacks: Stack[];
  let all: Found[];
  const ofType = (type: string) => all.filter((f) => f.resource.Type === type);
  const props = propsOf;

  beforeAll(() => {
    // GIVEN / WHEN the stacks, as bin/app.ts builds them
    ({ stacks, all } = buildApp(false));
  });

  /** The resources of a type that no policy of `policyType` with a TLS deny names (under `refs`). */
  const withoutTlsDeny = (type: string, policyType: string, refs: string): string[] => {
    const covered = new Set(
      ofType(policyType)
        .filter((p) => (props(p).PolicyDocument as { Statement: Statement[] }).Statement.some(isTlsDeny))
        .flatMap((p) => (props(p)[refs] as Array<{ Ref: string }>).map((r) => `${p.stack}/${r.Ref}`)),
    );
    return ofType(type)
      .map((r) => `${r.stack}/${r.id}`)
      .filter((r) => !covered.has(r));
  };

  const iamStatements = () => iamStatementsOf(all);

  it('encrypts every queue at rest', () => {
    // THEN
    const queues = ofType('AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThan(0);
    const unencrypted = queues.filter(
      (q) => !props(q).KmsMasterKeyId && props(q).SqsManagedSseEnabled !== true,
    );
    expect(unencrypted.map((q) => `${q.stack}/${q.id}`)).toEqual([]);
  });

  it('denies every queue to callers without TLS', () => {
    // THEN
    expect(withoutTlsDeny('AWS::SQS::Queue', 'AWS::SQS::QueuePolicy', 'Queues')).toEqual([]);
  });

  it('encrypts every topic with a KMS key', () => {
    // THEN
    const topics = ofType('AWS::SNS::Topic');
    expect(topics.length).toBeGreaterThan(0);
    expect(topics.filter((t) => !props(t).KmsMasterKeyId).map((t) => `${t.stack}/${t.id}`)).toEqual([]);
  });

  it('denies every topic to publishers without TLS', () => {
    // THEN
    expect(withoutTlsDeny('AWS::SNS::Topic', 'AWS::SNS::TopicPolicy', 'Topics')).toEqual([]);
  });

  it('admits in topic policies only services acting for a named resource of this account', () => {
    // THEN every Allow names a service, scoped by aws:SourceArn and aws:SourceAccount
    const allows = ofType('AWS::SNS::TopicPolicy')
      .flatMap((p) => (props(p).PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((s) => s.Effect === 'Allow');
    const unscoped = allows.filter(
      (s) =>
        typeof (s.Principal as { Service?: unknown })?.Service !== 'string' ||
        !s.Condition?.ArnLike?.['aws:SourceArn'] ||
        !s.Condition?.StringEquals?.['aws:SourceAccount'],
    );
    expect(unscoped).toEqual([]);
  });

  it('encrypts every table at rest', () => {
    // THEN
    const tables = ofType('AWS::DynamoDB::Table');
    expect(tables.length).toBeGreaterThan(0);
    const unencrypted = tables.filter(
      (t) => (props(t).SSESpecification as { SSEEnabled?: boolean } | undefined)?.SSEEnabled !== true,
    );
    expect(unencrypted.map((t) => `${t.stack}/${t.id}`)).toEqual([]);
  });

  it("leaves log groups to CloudWatch Logs' encryption and tables to DynamoDB's AWS-managed key", () => {
    // THEN no stack has a customer-managed key for its stores
    const keyed = [
      ...ofType('AWS::Logs::LogGroup').filter((g) => props(g).KmsKeyId),
      ...ofType('AWS::DynamoDB::Table').filter(
        (t) => (props(t).SSESpecification as { KMSMasterKeyId?: unknown }).KMSMasterKeyId,
      ),
    ];
    expect(keyed.map((f) => `${f.stack}/${f.id}`)).toEqual([]);
  });

  it('keeps every log group for a bounded time', () => {
    // THEN
    const groups = ofType('AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThan(0);
    expect(groups.filter((g) => !props(g).RetentionInDays).map((g) => `${g.stack}/${g.id}`)).toEqual([]);
  });

  it('encrypts and logs every state machine', () => {
    // THEN
    const machines = ofType('AWS::StepFunctions::StateMachine');
    expect(machines.length).toBeGreaterThan(0);
    const bare = machines.filter(
      (m) =>
        !(props(m).EncryptionConfiguration as { Type?: string } | undefined)?.Type ||
        !(props(m).LoggingConfiguration as { Destinations?: unknown[] } | undefined)?.Destinations?.length,
    );
    expect(bare.map((m) => `${m.stack}/${m.id}`)).toEqual([]);
  });

  it('grants no wildcard action in any IAM policy', () => {
    // THEN
    const wildcards = iamStatements().filter((s) =>
      actionsOf(s).some((a) => a === '*' || /^[a-z0-9-]+:\*$/.test(a)),
    );
    expect(wildcards).toEqual([]);
  });

  it('grants on Resource "*" only actions that support no resource-level permissions', () => {
    // THEN
    const onAnything = iamStatements().filter(
      (s) =>
        s.Effect === 'Allow' &&
        [s.Resource].flat().includes('*') &&
        actionsOf(s).some((a) => !UNSCOPABLE_ACTIONS.has(a)),
    );
    expect(onAnything).toEqual([]);
  });

  describe('the orders bus policy', () => {
    const busStatements = () =>
      ofType('AWS::Events::EventBusPolicy').map((p) => ({
        stack: p.stack,
        ...(props(p).Statement as Statement),
      }));

    it('denies PutEvents to everyone for any source but the orders service', () => {
      // THEN
      expect(busStatements().filter((s) => s.Effect === 'Deny')).toEqual([
        expect.objectContaining({
          stack: 'OrderEvents',
          Principal: { AWS: '*' },
          Action: 'events:PutEvents',
          Condition: { 'ForAnyValue:StringNotEquals': { 'events:source': [ORDERS_SOURCE] } },
        }),
      ]);
    });

    it('allows only PutEvents, only of the orders source, only to the outbox relay', () => {
      // THEN
      const fulfilment = stacks[2] as OrderFulfilmentStack;
      const roleArn = (f: NodeFunction) => ({ AWS: fulfilment.resolve(f.role.roleArn) });
      const allows = busStatements().filter((s) => s.Effect === 'Allow');
      expect(allows.map((s) => s.Principal)).toEqual([roleArn(fulfilment.relay)]);
      for (const s of allows) {
        expect(s.Action).toBe('events:PutEvents');
        expect(s.Condition).toEqual({
          'ForAllValues:StringEquals': { 'events:source': [ORDERS_SOURCE] },
          Null: { 'events:source': 'false' },
        });
      }
    });
  });
});

describe('the order app with a customer-managed key per stack', () => {
  let stacks: Stack[];
  let all: Found[];
  let keys: DataKeysStack;
  const ofType = (type: string) => all.filter((f) => f.resource.Type === type);
  beforeAll(() => {
    // GIVEN / WHEN the stacks with the keys of `-c customerKeys=true`
    const app = buildApp(true);
    ({ stacks, all } = app);
    if (!app.keys) throw new Error('no keys stack');
    keys = app.keys;
  });

  /** What a stack's template says for its key's ARN: an import from the keys stack. */
  const keyImport = (stack: string) => ({
    'Fn::ImportValue': expect.stringMatching(
      new RegExp(
        `^${DATA_KEYS_STACK_ID}:ExportsOutputFnGetAtt${keys.getLogicalId(keys.keyFor(stack).node.defaultChild as CfnElement)}Arn`,
      ),
    ),
  });

  it("encrypts every log group of every stack with that stack's key", () => {
    // THEN
    const groups = ofType('AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThan(stacks.length);
    for (const g of groups) expect(propsOf(g).KmsKeyId, `${g.stack}/${g.id}`).toEqual(keyImport(g.stack));
  });

  it("encrypts every table of every stack with that stack's key", () => {
    // THEN
    const tables = ofType('AWS::DynamoDB::Table');
    expect(tables.length).toBeGreaterThan(stacks.length);
    for (const t of tables) {
      expect(propsOf(t).SSESpecification, `${t.stack}/${t.id}`).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: keyImport(t.stack),
      });
    }
  });

  it("encrypts the saga's state machine with the fulfilment stack's key", () => {
    // THEN
    const [machine] = ofType('AWS::StepFunctions::StateMachine');
    expect(propsOf(machine as Found).EncryptionConfiguration).toMatchObject({
      Type: 'CUSTOMER_MANAGED_KMS_KEY',
      KmsKeyId: keyImport('OrderFulfilment'),
    });
  });

  it("lets CloudWatch Logs use each key for this account's log groups in this Region", () => {
    // THEN
    const template = Template.fromStack(keys);
    const policies = Object.values(template.findResources('AWS::KMS::Key')).map(
      (k) => k.Properties.KeyPolicy.Statement as Statement[],
    );
    expect(policies).toHaveLength(stacks.length);
    for (const statements of policies) {
      expect(
        statements.filter(
          (s) => JSON.stringify(s.Principal) === '{"Service":"logs.us-east-1.amazonaws.com"}',
        ),
      ).toEqual([
        expect.objectContaining({
          Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': expect.anything() } },
        }),
      ]);
    }
  });

  // What acknowledgeDataKeyGrants tells cdk-nag: CDK's grants name wildcard KMS actions, on the key only.
  it("grants wildcard KMS actions on the stack's own key only", () => {
    // THEN
    const wildcards = iamStatementsOf(all).filter((s) => actionsOf(s).some((a) => /^kms:.+\*$/.test(a)));
    expect(wildcards.length).toBeGreaterThan(0);
    for (const s of wildcards) {
      expect([s.Resource].flat(), s.where).toEqual([keyImport(s.where.split('/')[0] ?? '')]);
    }
  });
});

describe('customer-managed keys', () => {
  it("encrypts a function's log group with the key given, and lets CloudWatch Logs use it", () => {
    // GIVEN
    const stack = new Stack(createApp({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Keys', { env: ENV });
    const key = new kms.Key(stack, 'Key');
    // WHEN
    new NodeFunction(stack, 'Fn', { entry: lambdaEntry('email-notifier'), logEncryptionKey: key });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      KmsKeyId: stack.resolve(key.keyArn),
      RetentionInDays: 30,
    });
    const statements = Object.values(template.findResources('AWS::KMS::Key'))[0]?.Properties.KeyPolicy
      .Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'logs.us-east-1.amazonaws.com' },
        Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': expect.anything() } },
      }),
    );
  });

  it('encrypts the saga state machine and its logs with the key given', () => {
    // GIVEN
    const stack = new Stack(createApp(), 'Keys', { env: ENV });
    const key = new kms.Key(stack, 'Key');
    const step = lambda.Function.fromFunctionArn(
      stack,
      'Step',
      'arn:aws:lambda:us-east-1:123456789012:function:step',
    );
    // WHEN
    new Saga(stack, 'Saga', { steps: [{ name: 'Step', action: step }], encryptionKey: key });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      EncryptionConfiguration: { Type: 'CUSTOMER_MANAGED_KMS_KEY', KmsKeyId: stack.resolve(key.keyArn) },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: stack.resolve(key.keyArn) });
  });

  it('encrypts a service table with the key given', () => {
    // GIVEN
    const stack = new Stack(createApp(), 'Keys', { env: ENV });
    const key = new kms.Key(stack, 'Key');
    // WHEN
    serviceTable(stack, 'Table', key);
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: stack.resolve(key.keyArn) },
    });
  });
});
