import { Aspects } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EMULATOR_BRIDGE_METADATA,
  EmulatorCompatibility,
  LOCAL_KAFKA_BROKERS,
} from '../../lib/emulator/emulator-compatibility.js';
import { OrderEventsStack } from '../../lib/stacks/order-events-stack.js';
import { OrderFulfilmentStack } from '../../lib/stacks/order-fulfilment-stack.js';
import { ORDER_LOG_GROUPS, OrderLogStack } from '../../lib/stacks/order-log-stack.js';
import { OrderNotificationsStack } from '../../lib/stacks/order-notifications-stack.js';
import { createApp, ENV } from './support.js';

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

/** The app's four stacks as bin/app.ts composes them, for AWS or (with the aspect) the emulator. */
function app(emulator: boolean) {
  const a = createApp({ context: { 'aws:cdk:bundling-stacks': [] } });
  if (emulator) Aspects.of(a).add(new EmulatorCompatibility());
  const events = new OrderEventsStack(a, 'OrderEvents', { env: ENV });
  const notifications = new OrderNotificationsStack(a, 'OrderNotifications', { env: ENV, bus: events.bus });
  const log = new OrderLogStack(a, 'OrderLog', { env: ENV });
  const fulfilment = new OrderFulfilmentStack(a, 'OrderFulfilment', {
    env: ENV,
    bus: events.bus,
    statusTopic: notifications.statusStream.topic,
    orderLog: log.log,
  });
  return {
    log,
    fulfilment,
    logTemplate: Template.fromStack(log),
    fulfilmentTemplate: Template.fromStack(fulfilment),
  };
}

const variablesOf = (fn: Resource) =>
  (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};

const relayOf = (t: Template) => {
  const [relay] = Object.values(
    t.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'outbox-relay' } } },
    }),
  ) as Resource[];
  if (!relay) throw new Error('no outbox relay in the template');
  return relay;
};

describe('OrderLogStack on AWS', () => {
  let aws: ReturnType<typeof app>;
  beforeAll(() => {
    // GIVEN the app as bin/app.ts builds it
    aws = app(false);
  });

  it('creates orders.events with 6 partitions, replicated three ways, kept 7 days', () => {
    aws.logTemplate.hasResourceProperties('Custom::KafkaTopic', {
      TopicName: 'orders.events',
      PartitionCount: 6,
      ReplicationFactor: 3,
    });
  });

  it('reads the log with two consumer groups: the audit trail low-latency, the sales totals high-throughput', () => {
    aws.logTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: ORDER_LOG_GROUPS.audit },
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    aws.logTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: ORDER_LOG_GROUPS.sales },
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 5,
    });
  });

  it("gives each consumer its failure queue's URL and the right to send to it, for the records it rejects", () => {
    const queueRef = { Ref: Match.stringLikeRegexp('^OrderAuditFailureQueue') };
    aws.logTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: { KAFKA_CONSUMER_GROUP: ORDER_LOG_GROUPS.audit, FAILURE_QUEUE_URL: queueRef },
      },
    });
    aws.logTemplate.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sqs:SendMessage']),
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrderAuditFailureQueue'), 'Arn'] },
          }),
        ]),
      },
    });
  });

  it('runs the outbox relay in the log’s VPC as its producer, with the brokers and IAM auth', () => {
    const relay = relayOf(aws.fulfilmentTemplate);
    const props = relay.Properties ?? {};
    expect(props.VpcConfig).toMatchObject({
      SubnetIds: expect.any(Array),
      SecurityGroupIds: expect.any(Array),
    });
    expect(variablesOf(relay)).toMatchObject({
      KAFKA_TOPIC: 'orders.events',
      KAFKA_AUTH: 'iam',
      // The provisioner's answer: the serverless bootstrap address is no attribute of the cluster.
      KAFKA_BOOTSTRAP_BROKERS: { 'Fn::ImportValue': expect.stringMatching(/^OrderLog:.*BootstrapBrokers/) },
    });
    aws.fulfilmentTemplate.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'] }),
        ]),
      },
    });
  });

  it('adds the endpoints the relay calls from a VPC without NAT: EventBridge, SNS and X-Ray', () => {
    for (const service of ['events', 'sns', 'xray'])
      aws.logTemplate.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: `com.amazonaws.us-east-1.${service}`,
        VpcEndpointType: 'Interface',
      });
  });
});

describe('OrderLogStack on the emulator', () => {
  let local: ReturnType<typeof app>;
  let resources: Record<string, Resource>;
  beforeAll(() => {
    // GIVEN the same app with the emulator build's aspect
    local = app(true);
    resources = local.logTemplate.toJSON().Resources as Record<string, Resource>;
  });

  it('stands in the MSK cluster and each MSK event source mapping, keeping the mapping for the local event source', () => {
    const types = Object.values(resources).map((r) => r.Type);
    expect(types).not.toContain('AWS::MSK::ServerlessCluster');
    expect(types).not.toContain('AWS::Lambda::EventSourceMapping');
    const mappings = Object.values(resources)
      .map(
        (r) =>
          r.Metadata?.[EMULATOR_BRIDGE_METADATA] as { Type?: string; Properties?: Record<string, unknown> },
      )
      .filter((m) => m?.Type === 'AWS::Lambda::EventSourceMapping');
    expect(mappings.map((m) => [m.Properties?.ConsumerGroupId, m.Properties?.BatchSize]).sort()).toEqual([
      [ORDER_LOG_GROUPS.audit, 10],
      [ORDER_LOG_GROUPS.sales, 1000],
    ]);
    expect(mappings[0]?.Properties).toMatchObject({
      Topics: ['orders.events'],
      OnFailureDestination: expect.anything(),
    });
  });

  it('creates the topic on the local broker through the same provisioner, one replica per partition', () => {
    const [topic] = Object.values(local.logTemplate.findResources('Custom::KafkaTopic')) as Resource[];
    expect(topic?.Properties).toMatchObject({
      TopicName: 'orders.events',
      PartitionCount: 6,
      ReplicationFactor: 1,
    });
    // The cluster's stand-in has no ARN: the local broker's cluster is named in its place.
    expect(JSON.stringify(topic?.Properties?.ClusterArn)).toMatch(
      /:kafka:us-east-1:123456789012:cluster\/[^/"]+\/local-broker"/,
    );
  });

  it('points every Kafka client (the provisioner, the relay) at the local broker without authentication', () => {
    local.logTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          KAFKA_CLUSTER_ARN: Match.anyValue(),
          KAFKA_BOOTSTRAP_BROKERS: LOCAL_KAFKA_BROKERS,
          KAFKA_AUTH: 'none',
        }),
      },
    });
    const relay = relayOf(local.fulfilmentTemplate);
    expect(variablesOf(relay)).toMatchObject({
      KAFKA_BOOTSTRAP_BROKERS: LOCAL_KAFKA_BROKERS,
      KAFKA_AUTH: 'none',
    });
  });

  it('leaves functions that do not use Kafka as they are', () => {
    local.logTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          KAFKA_CONSUMER_GROUP: ORDER_LOG_GROUPS.audit,
          KAFKA_AUTH: Match.absent(),
        }),
      },
    });
  });
});
