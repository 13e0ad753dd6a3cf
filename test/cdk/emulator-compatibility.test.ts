import { Aspects, type CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EMULATOR_BRIDGE_METADATA,
  EmulatorCompatibility,
  UNSUPPORTED_ON_EMULATOR,
} from '../../lib/emulator/emulator-compatibility.js';
import { EventRouter } from '../../lib/patterns/event-router/index.js';
import { ACCOUNT, createApp, ENV } from './support.js';

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

interface Fixture {
  readonly stack: Stack;
  readonly router: EventRouter;
  readonly registry: eventschemas.CfnRegistry;
  readonly schema: eventschemas.CfnSchema;
  readonly resources: Record<string, Resource>;
}

/**
 * A stack with every resource type the emulator lacks (an archive, a bus policy, a schema
 * registry and a schema) next to ones it has (a bus, a rule, queues), with or without the aspect.
 */
function fixture(emulator: boolean): Fixture {
  const app = createApp();
  if (emulator) Aspects.of(app).add(new EmulatorCompatibility());
  const stack = new Stack(app, 'Events', { env: ENV });
  const router = new EventRouter(stack, 'Orders', { allowedSources: ['com.example.orders'] });
  router.addRoute('Placed', {
    pattern: { source: ['com.example.orders'], detailType: ['OrderPlaced'] },
    targets: [{ queue: new sqs.Queue(stack, 'Target') }],
  });
  const registry = new eventschemas.CfnRegistry(stack, 'Registry', { description: 'Contracts' });
  const schema = new eventschemas.CfnSchema(stack, 'Schema', {
    registryName: registry.attrRegistryName,
    type: 'JSONSchemaDraft4',
    content: JSON.stringify({ type: 'object' }),
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
  return { stack, router, registry, schema, resources };
}

const logicalIdOf = (f: Fixture, resource: CfnResource) => f.stack.getLogicalId(resource);

describe('EmulatorCompatibility', () => {
  let aws: Fixture;
  let emulator: Fixture;
  beforeAll(() => {
    // GIVEN the same stack synthesized for AWS and, with the aspect, for the emulator
    aws = fixture(false);
    emulator = fixture(true);
  });

  /** The emulator template's resource that stands in for a construct's resource. */
  const standIn = (resource: (f: Fixture) => CfnResource): Resource | undefined =>
    emulator.resources[logicalIdOf(emulator, resource(emulator))];
  const archiveOf = (f: Fixture) => f.router.archive?.node.defaultChild as CfnResource;
  const busPolicyOf = (f: Fixture) =>
    f.router.bus.node.children
      .flatMap((c) => c.node.children)
      .find(
        (c): c is CfnResource => (c as CfnResource).cfnResourceType === 'AWS::Events::EventBusPolicy',
      ) as CfnResource;

  it('leaves no resource the emulator lacks', () => {
    // THEN
    const types = Object.values(emulator.resources).map((r) => r.Type);
    expect(types.filter((t) => UNSUPPORTED_ON_EMULATOR.has(t))).toEqual([]);
  });

  it('replaces the archive with a wait condition handle without properties', () => {
    // THEN
    const archive = standIn(archiveOf);
    expect(archive?.Type).toBe('AWS::CloudFormation::WaitConditionHandle');
    expect(archive).not.toHaveProperty('Properties');
  });

  it("keeps the archive's definition in the stand-in's metadata for the bridge", () => {
    // THEN
    expect(standIn(archiveOf)?.Metadata?.[EMULATOR_BRIDGE_METADATA]).toEqual({
      Type: 'AWS::Events::Archive',
      Properties: expect.objectContaining({
        SourceArn: emulator.stack.resolve(emulator.router.bus.eventBusArn),
        EventPattern: { account: [ACCOUNT] },
        RetentionDays: 30,
      }),
    });
  });

  it('keeps the same archive definition as the AWS template', () => {
    // THEN
    const bridged = standIn(archiveOf)?.Metadata?.[EMULATOR_BRIDGE_METADATA] as { Properties: object };
    const real = aws.resources[logicalIdOf(aws, archiveOf(aws))]?.Properties;
    expect(real).toMatchObject(bridged.Properties);
  });

  it('replaces the bus policy with a wait condition handle without properties', () => {
    // THEN
    const policy = standIn(busPolicyOf);
    expect(policy?.Type).toBe('AWS::CloudFormation::WaitConditionHandle');
    expect(policy).not.toHaveProperty('Properties');
  });

  it('replaces the schema registry with a wait condition handle without properties', () => {
    // THEN
    const registry = standIn((f) => f.registry);
    expect(registry?.Type).toBe('AWS::CloudFormation::WaitConditionHandle');
    expect(registry).not.toHaveProperty('Properties');
  });

  it('replaces the schema with a wait condition handle without properties', () => {
    // THEN
    const schema = standIn((f) => f.schema);
    expect(schema?.Type).toBe('AWS::CloudFormation::WaitConditionHandle');
    expect(schema).not.toHaveProperty('Properties');
  });

  it('leaves the bus, rules, queues and every other resource untouched', () => {
    // THEN
    const replaced = new Set([
      logicalIdOf(aws, archiveOf(aws)),
      logicalIdOf(aws, busPolicyOf(aws)),
      logicalIdOf(aws, aws.registry),
      logicalIdOf(aws, aws.schema),
    ]);
    const others = (f: Fixture) =>
      Object.fromEntries(Object.entries(f.resources).filter(([id]) => !replaced.has(id)));
    const types = Object.values(others(emulator)).map((r) => r.Type);
    expect(types).toEqual(
      expect.arrayContaining(['AWS::Events::EventBus', 'AWS::Events::Rule', 'AWS::SQS::Queue']),
    );
    expect(others(emulator)).toEqual(others(aws));
  });

  it('keeps the real archive without the aspect', () => {
    // THEN
    expect(aws.resources[logicalIdOf(aws, archiveOf(aws))]).toMatchObject({
      Type: 'AWS::Events::Archive',
      Properties: {
        SourceArn: aws.stack.resolve(aws.router.bus.eventBusArn),
        EventPattern: { account: [ACCOUNT] },
        RetentionDays: 30,
      },
    });
  });

  it('keeps the real bus policy without the aspect', () => {
    // THEN
    expect(aws.resources[logicalIdOf(aws, busPolicyOf(aws))]).toMatchObject({
      Type: 'AWS::Events::EventBusPolicy',
      Properties: { Statement: { Effect: 'Deny', Action: 'events:PutEvents' } },
    });
  });

  it('keeps the real schema registry and schema without the aspect', () => {
    // THEN
    expect(aws.resources[logicalIdOf(aws, aws.registry)]?.Type).toBe('AWS::EventSchemas::Registry');
    expect(aws.resources[logicalIdOf(aws, aws.schema)]).toMatchObject({
      Type: 'AWS::EventSchemas::Schema',
      Properties: { RegistryName: aws.stack.resolve(aws.registry.attrRegistryName) },
    });
  });

  it('adds no bridge metadata without the aspect', () => {
    // THEN
    const bridged = Object.values(aws.resources).filter((r) => r.Metadata?.[EMULATOR_BRIDGE_METADATA]);
    expect(bridged).toEqual([]);
  });
});

// The whole app under cdk-nag, for AWS and for the emulator: test/cdk/order-fulfilment-stack.test.ts.
