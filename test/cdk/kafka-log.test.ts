import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import cdkNag from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyTable } from '../../lib/patterns/idempotency-table/index.js';
import {
  KafkaConsumer,
  type KafkaConsumerProps,
  KafkaLog,
  type KafkaLogProps,
} from '../../lib/patterns/kafka-log/index.js';
import { lambdaEntry } from '../../lib/stacks/app-functions.js';
import { createApp, ENV, synthesizeWithValidation } from './support.js';

// Any handler module will do: these stacks are not bundled (templates only).
const ENTRY = lambdaEntry('outbox-relay');

type LogOptions = Partial<KafkaLogProps>;
type ConsumerOptions = Partial<Omit<KafkaConsumerProps, 'log'>>;

/** A stack that is not bundled. */
function unbundledStack(): Stack {
  return new Stack(createApp({ context: { 'aws:cdk:bundling-stacks': [] } }), 'TestStack', { env: ENV });
}

function kafkaLog(stack: Stack, options: LogOptions = {}): KafkaLog {
  return new KafkaLog(stack, 'Log', { topicProvisionerEntry: ENTRY, ...options });
}

/** A KafkaLog and one consumer of it. */
function consume(
  consumerOptions: ConsumerOptions = {},
  logOptions: LogOptions = {},
): { stack: Stack; log: KafkaLog; consumer: KafkaConsumer } {
  const stack = unbundledStack();
  const log = kafkaLog(stack, logOptions);
  const consumer = new KafkaConsumer(stack, 'Audit', {
    log,
    entry: ENTRY,
    consumerGroupId: 'audit',
    ...consumerOptions,
  });
  return { stack, log, consumer };
}

/** The only resource of a type, its properties. */
function only(template: Template, type: string): Record<string, unknown> {
  const found = Object.values(template.findResources(type));
  expect(found).toHaveLength(1);
  return (found[0]?.Properties ?? {}) as Record<string, unknown>;
}

function decodeConfigs(template: Template): Record<string, string> {
  const configs = only(template, 'Custom::KafkaTopic').Configs as string;
  return JSON.parse(Buffer.from(configs, 'base64').toString('utf8')) as Record<string, string>;
}

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** Statements of the policies attached to a role. */
function statementsOf(template: Template, stack: Stack, role: iam.IRole): Statement[] {
  const roleRef = stack.resolve(role.roleName);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([roleRef]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

const actionsOn = (statements: Statement[], resource: unknown) =>
  statements
    .filter((s) => JSON.stringify(s.Resource) === JSON.stringify(resource))
    .flatMap((s) => [s.Action].flat())
    .sort();

describe('KafkaLog defaults', () => {
  let stack: Stack;
  let log: KafkaLog;
  let template: Template;
  beforeAll(() => {
    // GIVEN / WHEN a KafkaLog with only its topic provisioner
    stack = unbundledStack();
    log = kafkaLog(stack);
    template = Template.fromStack(stack);
  });

  it('creates an MSK Serverless cluster with IAM client authentication and nothing else', () => {
    // THEN
    expect(only(template, 'AWS::MSK::ServerlessCluster').ClientAuthentication).toEqual({
      Sasl: { Iam: { Enabled: true } },
    });
  });

  it('places the cluster in one isolated subnet per AZ, three of them, behind its own security group', () => {
    // THEN
    const [config] = only(template, 'AWS::MSK::ServerlessCluster').VpcConfigs as Array<{
      SubnetIds: unknown[];
      SecurityGroups: unknown[];
    }>;
    expect(config?.SubnetIds).toEqual(
      stack.resolve(log.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds),
    );
    expect(config?.SubnetIds).toHaveLength(3);
    expect(config?.SecurityGroups).toEqual([stack.resolve(log.clusterSecurityGroup.securityGroupId)]);
  });

  it('admits port 9098 from the client security group', () => {
    // THEN
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: stack.resolve(log.clusterSecurityGroup.securityGroupId),
      SourceSecurityGroupId: stack.resolve(log.clientSecurityGroup.securityGroupId),
      IpProtocol: 'tcp',
      FromPort: 9098,
      ToPort: 9098,
    });
  });

  it("admits port 9098 from the cluster's own security group, which the event source pollers use", () => {
    // THEN
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: stack.resolve(log.clusterSecurityGroup.securityGroupId),
      SourceSecurityGroupId: stack.resolve(log.clusterSecurityGroup.securityGroupId),
      FromPort: 9098,
      ToPort: 9098,
    });
  });

  it('opens no other port on the cluster', () => {
    // THEN
    const clusterGroup = stack.resolve(log.clusterSecurityGroup.securityGroupId);
    const ports = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((r) => JSON.stringify(r.Properties.GroupId) === JSON.stringify(clusterGroup))
      .map((r) => [r.Properties.FromPort, r.Properties.ToPort]);
    expect(ports).toEqual([
      [9098, 9098],
      [9098, 9098],
    ]);
  });

  it('builds a VPC without NAT gateways', () => {
    // THEN
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
  });

  it('adds private-DNS interface endpoints for SQS (the event source’s on-failure queue) and MSK (the provisioner), without NAT', () => {
    // THEN
    const services = Object.values(template.findResources('AWS::EC2::VPCEndpoint'))
      .filter((e) => e.Properties.VpcEndpointType === 'Interface')
      .map((e) => {
        expect(e.Properties.PrivateDnsEnabled).toBe(true);
        return JSON.stringify(e.Properties.ServiceName);
      });
    // Provisioned-mode pollers reach Lambda and STS by themselves: no endpoints for those.
    expect(services).toHaveLength(2);
    for (const service of ['sqs', 'kafka'])
      expect(services.some((s) => s.includes(`.${service}`))).toBe(true);
  });

  it('adds an S3 gateway endpoint, through which the topic provisioner answers CloudFormation', () => {
    // THEN
    const gateway = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).filter(
      (e) => e.Properties.VpcEndpointType === 'Gateway',
    );
    expect(gateway).toHaveLength(1);
    expect(JSON.stringify(gateway.map((e) => e.Properties.ServiceName))).toContain('.s3');
  });

  it('logs rejected traffic of the VPC', () => {
    // THEN
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
  });

  it('creates the topic orders.events with 6 partitions, replicated 3 ways, on the cluster', () => {
    // THEN
    template.hasResourceProperties('Custom::KafkaTopic', {
      ClusterArn: stack.resolve(log.clusterArn),
      TopicName: 'orders.events',
      PartitionCount: 6,
      ReplicationFactor: 3,
    });
  });

  it('keeps records 7 days (retention.ms, base64 JSON as the MSK topic API takes configs)', () => {
    // THEN
    expect(decodeConfigs(template)).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': '604800000' });
  });

  it('retains the cluster and the topic when they leave the stack', () => {
    // THEN
    template.hasResource('AWS::MSK::ServerlessCluster', { DeletionPolicy: 'Retain' });
    template.hasResource('Custom::KafkaTopic', { DeletionPolicy: 'Retain' });
  });

  it('backs the topic with the provisioner function, running in the VPC as a client', () => {
    // THEN
    template.hasResourceProperties('Custom::KafkaTopic', {
      ServiceToken: stack.resolve(log.topicProvisioner.functionArn),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ KAFKA_CLUSTER_ARN: stack.resolve(log.clusterArn) }) },
      VpcConfig: {
        SecurityGroupIds: [stack.resolve(log.clientSecurityGroup.securityGroupId)],
        SubnetIds: Match.anyValue(),
      },
    });
  });

  it("gives the provisioner Lambda's VPC permissions, which its own role lacks", () => {
    // THEN
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: Match.absent(),
      ManagedPolicyArns: [
        {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
            ],
          ],
        },
      ],
      Description: 'Execution role of TopicProvisioner',
    });
  });

  it('places clients in the cluster subnets with the client security group', () => {
    // THEN
    expect(log.clientPlacement).toEqual({
      vpc: log.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, onePerAz: true },
      securityGroups: [log.clientSecurityGroup],
    });
  });

  it('tells clients the cluster, the topic, IAM auth and the bootstrap brokers the topic provisioner returns', () => {
    // THEN
    const [topicId] = Object.keys(template.findResources('Custom::KafkaTopic'));
    expect(stack.resolve(log.environment)).toEqual({
      KAFKA_CLUSTER_ARN: stack.resolve(log.clusterArn),
      KAFKA_TOPIC: 'orders.events',
      KAFKA_BOOTSTRAP_BROKERS: { 'Fn::GetAtt': [topicId, 'BootstrapBrokers'] },
      KAFKA_AUTH: 'iam',
    });
  });

  it('lets the provisioner create, describe and alter the topic, but not delete it', () => {
    // THEN
    const statements = statementsOf(template, stack, log.topicProvisioner.role);
    expect(actionsOn(statements, stack.resolve(log.topicArn))).toEqual([
      'kafka-cluster:AlterTopic',
      'kafka-cluster:AlterTopicDynamicConfiguration',
      'kafka-cluster:CreateTopic',
      'kafka-cluster:DescribeTopic',
      'kafka-cluster:DescribeTopicDynamicConfiguration',
    ]);
  });

  it('names the topic in IAM by the cluster name and the UUID from the cluster ARN', () => {
    // THEN
    expect(JSON.stringify(stack.resolve(log.topicArn))).toBe(
      JSON.stringify({
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            `:kafka:us-east-1:123456789012:topic/${log.clusterName}/`,
            { 'Fn::Select': [2, { 'Fn::Split': ['/', stack.resolve(log.clusterArn)] }] },
            '/orders.events',
          ],
        ],
      }),
    );
  });
});

describe('KafkaLog props', () => {
  it('takes the partition count', () => {
    // GIVEN / WHEN
    const stack = unbundledStack();
    kafkaLog(stack, { partitions: 12 });
    // THEN
    Template.fromStack(stack).hasResourceProperties('Custom::KafkaTopic', { PartitionCount: 12 });
  });

  it('takes the retention', () => {
    // GIVEN / WHEN
    const stack = unbundledStack();
    kafkaLog(stack, { retention: Duration.hours(36) });
    // THEN
    expect(decodeConfigs(Template.fromStack(stack))['retention.ms']).toBe(String(36 * 3600 * 1000));
  });

  it("keeps records forever with retention 'unlimited' (retention.ms -1)", () => {
    // GIVEN / WHEN
    const stack = unbundledStack();
    kafkaLog(stack, { retention: 'unlimited' });
    // THEN
    expect(decodeConfigs(Template.fromStack(stack))['retention.ms']).toBe('-1');
  });

  it('takes the topic name', () => {
    // GIVEN / WHEN
    const stack = unbundledStack();
    kafkaLog(stack, { topicName: 'payments.v1' });
    // THEN
    Template.fromStack(stack).hasResourceProperties('Custom::KafkaTopic', { TopicName: 'payments.v1' });
  });

  it('lets the provisioner delete the topic when the topic may be destroyed', () => {
    // GIVEN / WHEN
    const stack = unbundledStack();
    const log = kafkaLog(stack, { removalPolicy: RemovalPolicy.DESTROY });
    // THEN
    const statements = statementsOf(Template.fromStack(stack), stack, log.topicProvisioner.role);
    expect(actionsOn(statements, stack.resolve(log.topicArn))).toContain('kafka-cluster:DeleteTopic');
  });

  it('uses a given VPC and adds no endpoints to it', () => {
    // GIVEN a VPC with NAT
    const stack = unbundledStack();
    const vpc = new ec2.Vpc(stack, 'Shared', { maxAzs: 2 });
    // WHEN
    const log = kafkaLog(stack, { vpc });
    // THEN its private subnets with egress hold the cluster, and no endpoint is added
    const template = Template.fromStack(stack);
    const [config] = only(template, 'AWS::MSK::ServerlessCluster').VpcConfigs as Array<{
      SubnetIds: unknown[];
    }>;
    expect(config?.SubnetIds).toEqual(stack.resolve(vpc.privateSubnets.map((s) => s.subnetId)));
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(log.vpc).toBe(vpc);
  });
});

describe('KafkaLog grants', () => {
  let stack: Stack;
  let log: KafkaLog;
  let producer: iam.Role;
  let consumer: iam.Role;
  let template: Template;
  beforeAll(() => {
    // GIVEN a log, a producer role and a consumer role
    stack = unbundledStack();
    log = kafkaLog(stack);
    producer = new iam.Role(stack, 'Producer', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    consumer = new iam.Role(stack, 'Consumer', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    // WHEN
    log.grantProduce(producer);
    log.grantConsume(consumer, 'sales-per-minute');
    template = Template.fromStack(stack);
  });
  const granted = (role: iam.IRole, resource: string) =>
    actionsOn(statementsOf(template, stack, role), stack.resolve(resource));

  it('lets a producer connect, find the brokers and write idempotently on the cluster', () => {
    // THEN
    expect(granted(producer, log.clusterArn)).toEqual([
      'kafka-cluster:Connect',
      'kafka-cluster:WriteDataIdempotently',
      'kafka:GetBootstrapBrokers',
    ]);
  });

  it('lets a producer describe and write the topic, and do nothing else with it', () => {
    // THEN
    expect(granted(producer, log.topicArn)).toEqual([
      'kafka-cluster:DescribeTopic',
      'kafka-cluster:WriteData',
    ]);
  });

  it('gives a producer nothing on any group', () => {
    // THEN
    expect(JSON.stringify(statementsOf(template, stack, producer))).not.toContain(':group/');
  });

  it('lets a consumer connect and describe the cluster (DescribeClusterV2, as serverless clusters need)', () => {
    // THEN
    expect(granted(consumer, log.clusterArn)).toEqual([
      'kafka-cluster:Connect',
      'kafka:DescribeClusterV2',
      'kafka:GetBootstrapBrokers',
    ]);
  });

  it('lets a consumer describe and read the topic, but not write it', () => {
    // THEN
    expect(granted(consumer, log.topicArn)).toEqual([
      'kafka-cluster:DescribeTopic',
      'kafka-cluster:ReadData',
    ]);
  });

  it('lets a consumer describe and join its own group only', () => {
    // THEN
    expect(granted(consumer, log.groupArn('sales-per-minute'))).toEqual([
      'kafka-cluster:AlterGroup',
      'kafka-cluster:DescribeGroup',
    ]);
    expect(JSON.stringify(stack.resolve(log.groupArn('sales-per-minute')))).toContain(
      `:group/${log.clusterName}/`,
    );
  });
});

describe('KafkaLog validation', () => {
  it.each([0, 2401, 2.5])('fails if partitions is %s', (partitions) => {
    // GIVEN / WHEN / THEN
    expect(() => kafkaLog(unbundledStack(), { partitions })).toThrow(
      /partitions must be a whole number from 1 to 2400 \(MSK Serverless holds 2400 partitions per cluster.*limits\.html/,
    );
  });

  it('fails if the retention is shorter than a minute', () => {
    // GIVEN / WHEN / THEN
    expect(() => kafkaLog(unbundledStack(), { retention: Duration.seconds(30) })).toThrow(
      /retention must be at least 1 minute, or 'unlimited'.*serverless-config\.html.*30 seconds/,
    );
  });

  it.each(['orders events', '..', 'a'.repeat(250)])('fails if the topic name is %j', (topicName) => {
    // GIVEN / WHEN / THEN
    expect(() => kafkaLog(unbundledStack(), { topicName })).toThrow(/topicName must be 1-249 letters/);
  });

  it('fails if the cluster name is not one MSK accepts', () => {
    // GIVEN / WHEN / THEN
    expect(() => kafkaLog(unbundledStack(), { clusterName: 'orders_log' })).toThrow(
      /clusterName must be 1-64 letters, digits and hyphens.*'orders_log'/,
    );
  });

  it('fails if the subnets span fewer than two AZs', () => {
    // GIVEN a VPC in one AZ
    const stack = unbundledStack();
    const vpc = new ec2.Vpc(stack, 'Small', { maxAzs: 1, natGateways: 0 });
    // WHEN / THEN
    expect(() => kafkaLog(stack, { vpc })).toThrow(
      /MSK Serverless needs subnets in at least two Availability Zones, got 1/,
    );
  });

  it("fails if a consumer group id holds '*', a wildcard in the group ARN", () => {
    // GIVEN
    const stack = unbundledStack();
    const log = kafkaLog(stack);
    const role = new iam.Role(stack, 'Reader', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    // WHEN / THEN
    expect(() => log.grantConsume(role, 'audit-*')).toThrow(/no '\*'.*got 'audit-\*'/);
  });
});

describe('KafkaConsumer defaults', () => {
  let stack: Stack;
  let log: KafkaLog;
  let consumer: KafkaConsumer;
  let template: Template;
  let mapping: Record<string, unknown>;
  beforeAll(() => {
    // GIVEN / WHEN a log and a consumer in group 'audit' with no other props
    ({ stack, log, consumer } = consume());
    template = Template.fromStack(stack);
    mapping = only(template, 'AWS::Lambda::EventSourceMapping');
  });

  it("maps the function to the log's cluster and topic", () => {
    // THEN
    expect(mapping).toMatchObject({
      EventSourceArn: stack.resolve(log.clusterArn),
      Topics: ['orders.events'],
      FunctionName: stack.resolve(consumer.function.functionName),
    });
  });

  it('reads as the given consumer group', () => {
    // THEN
    expect(mapping.AmazonManagedKafkaEventSourceConfig).toEqual({ ConsumerGroupId: 'audit' });
  });

  it('starts a new group at the oldest retained record', () => {
    // THEN
    expect(mapping.StartingPosition).toBe('TRIM_HORIZON');
  });

  it('takes up to 10 records without a batching window (low-latency)', () => {
    // THEN
    expect(mapping).toMatchObject({ BatchSize: 10, MaximumBatchingWindowInSeconds: 0 });
  });

  it('sends batches it gives up on to its failure queue', () => {
    // THEN
    expect(mapping.DestinationConfig).toEqual({
      OnFailure: { Destination: stack.resolve(consumer.failureQueue.queueArn) },
    });
  });

  it('bisects a failing batch and retries it at most 3 times', () => {
    // THEN
    expect(mapping).toMatchObject({ BisectBatchOnFunctionError: true, MaximumRetryAttempts: 3 });
  });

  it('gives up on records older than 6 hours', () => {
    // THEN
    expect(mapping.MaximumRecordAgeInSeconds).toBe(6 * 3600);
  });

  it('lets the handler report the records that failed', () => {
    // THEN
    expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  it('runs in provisioned mode with 1 to as many pollers as the topic has partitions', () => {
    // THEN
    expect(mapping.ProvisionedPollerConfig).toEqual({ MinimumPollers: 1, MaximumPollers: 6 });
  });

  it('alarms as soon as the failure queue holds a message', () => {
    // THEN
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: stack.resolve(consumer.failureQueue.queueName) }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('keeps the failure queue encrypted, TLS only, for 14 days', () => {
    // THEN
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it("lets the function read the topic and join its group, which the event source does as the function's role", () => {
    // THEN
    const statements = statementsOf(template, stack, consumer.function.role);
    expect(actionsOn(statements, stack.resolve(log.topicArn))).toEqual([
      'kafka-cluster:DescribeTopic',
      'kafka-cluster:ReadData',
    ]);
    expect(actionsOn(statements, stack.resolve(log.groupArn('audit')))).toEqual([
      'kafka-cluster:AlterGroup',
      'kafka-cluster:DescribeGroup',
    ]);
  });

  it('lets the function send to its failure queue (the event source sends as its role)', () => {
    // THEN
    const statements = statementsOf(template, stack, consumer.function.role);
    expect(actionsOn(statements, stack.resolve(consumer.failureQueue.queueArn))).toContain('sqs:SendMessage');
  });

  it('tells the handler its topic and consumer group', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ KAFKA_TOPIC: 'orders.events', KAFKA_CONSUMER_GROUP: 'audit' }),
      },
    });
  });

  it('gives the function a 30 second timeout', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Timeout: 30,
      Environment: { Variables: Match.objectLike({ KAFKA_CONSUMER_GROUP: 'audit' }) },
    });
  });
});

describe('KafkaConsumer props', () => {
  it('takes up to 1000 records gathered for up to 5 s with the high-throughput profile', () => {
    // GIVEN / WHEN
    const { stack } = consume({ profile: 'high-throughput' });
    // THEN
    expect(only(Template.fromStack(stack), 'AWS::Lambda::EventSourceMapping')).toMatchObject({
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 5,
    });
  });

  it('lets batchSize and maxBatchingWindow override the profile', () => {
    // GIVEN / WHEN
    const { stack } = consume({
      profile: 'high-throughput',
      batchSize: 200,
      maxBatchingWindow: Duration.seconds(1),
    });
    // THEN
    expect(only(Template.fromStack(stack), 'AWS::Lambda::EventSourceMapping')).toMatchObject({
      BatchSize: 200,
      MaximumBatchingWindowInSeconds: 1,
    });
  });

  it('starts at the latest record when told', () => {
    // GIVEN / WHEN
    const { stack } = consume({ startingPosition: lambda.StartingPosition.LATEST });
    // THEN
    expect(only(Template.fromStack(stack), 'AWS::Lambda::EventSourceMapping').StartingPosition).toBe(
      'LATEST',
    );
  });

  it('lets two consumer groups read the same log, each with its own mapping and failure queue', () => {
    // GIVEN a log with an audit consumer
    const { stack, log } = consume();
    // WHEN a second group reads it for per-minute sales
    const sales = new KafkaConsumer(stack, 'Sales', {
      log,
      entry: ENTRY,
      consumerGroupId: 'sales-per-minute',
      profile: 'high-throughput',
    });
    // THEN
    const mappings = Object.values(
      Template.fromStack(stack).findResources('AWS::Lambda::EventSourceMapping'),
    );
    expect(
      mappings.map((m) => m.Properties.AmazonManagedKafkaEventSourceConfig.ConsumerGroupId).sort(),
    ).toEqual(['audit', 'sales-per-minute']);
    expect(new Set(mappings.map((m) => JSON.stringify(m.Properties.DestinationConfig))).size).toBe(2);
    expect(sales.failureQueue).toBeDefined();
  });

  it('tells the handler the idempotency table and expiry', () => {
    // GIVEN
    const stack = unbundledStack();
    const log = kafkaLog(stack);
    const idempotency = new IdempotencyTable(stack, 'Idempotency');
    // WHEN
    new KafkaConsumer(stack, 'Audit', {
      log,
      entry: ENTRY,
      consumerGroupId: 'audit',
      idempotencyTable: idempotency.table,
    });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          IDEMPOTENCY_TABLE_NAME: stack.resolve(idempotency.table.tableName),
          IDEMPOTENCY_EXPIRY_SECONDS: '86400',
        }),
      },
    });
  });
});

describe('KafkaConsumer retry composition', () => {
  it('fails if the timeout is over 14 minutes, the most a Kafka event source allows', () => {
    // GIVEN / WHEN / THEN
    expect(() => consume({ timeout: Duration.minutes(15), maxRecordAge: Duration.days(1) })).toThrow(
      /timeout must be at most 14 minutes \(840 s\) for a Kafka event source, got 900 s/,
    );
  });

  it.each([-1, 10_001, 1.5])('fails if retryAttempts is %s', (retryAttempts) => {
    // GIVEN / WHEN / THEN
    expect(() => consume({ retryAttempts })).toThrow(
      new RegExp(`retryAttempts must be a whole number from 0 to 10000, got ${retryAttempts}`),
    );
  });

  it.each([Duration.seconds(59), Duration.days(8)])('fails if maxRecordAge is %s', (maxRecordAge) => {
    // GIVEN / WHEN / THEN
    expect(() => consume({ maxRecordAge }, { retention: Duration.days(30) })).toThrow(
      /maxRecordAge must be from 60 seconds to 7 days \(604800 s\)/,
    );
  });

  it('fails if records would expire before their last retry', () => {
    // GIVEN / WHEN 4 attempts of up to 60 s each, but records given up after 120 s
    // THEN
    expect(() =>
      consume({ retryAttempts: 3, timeout: Duration.seconds(60), maxRecordAge: Duration.seconds(120) }),
    ).toThrow(
      /maxRecordAge \(120 s\) must cover every attempt of a batch: \(retryAttempts 3 \+ 1\) x timeout 60 s = 240 s/,
    );
  });

  it("fails if the topic's retention leaves no time to redrive a record given up on", () => {
    // GIVEN / WHEN a 1-day topic and records given up after 6 hours, with a 1-day redrive window
    // THEN
    expect(() => consume({}, { retention: Duration.days(1) })).toThrow(
      /the topic's retention \(86400 s\) must cover maxRecordAge \(21600 s\) plus redriveWindow \(86400 s\) = 108000 s/,
    );
  });

  it('accepts any maxRecordAge and redrive window on a topic kept forever', () => {
    // GIVEN / WHEN / THEN
    expect(() =>
      consume(
        { maxRecordAge: Duration.days(7), redriveWindow: Duration.days(365) },
        { retention: 'unlimited' },
      ),
    ).not.toThrow();
  });

  it('fails if the idempotency expiry is shorter than maxRecordAge', () => {
    // GIVEN
    const stack = unbundledStack();
    const log = kafkaLog(stack);
    const idempotency = new IdempotencyTable(stack, 'Idempotency');
    // WHEN / THEN
    expect(
      () =>
        new KafkaConsumer(stack, 'Audit', {
          log,
          entry: ENTRY,
          consumerGroupId: 'audit',
          idempotencyTable: idempotency.table,
          idempotencyExpiry: Duration.hours(1),
        }),
    ).toThrow(/idempotencyExpiry \(3600 s\) must outlast maxRecordAge \(21600 s\)/);
  });

  it.each([0, 10_001])('fails if batchSize is %s', (batchSize) => {
    // GIVEN / WHEN / THEN
    expect(() => consume({ batchSize })).toThrow(
      new RegExp(`batchSize must be a whole number from 1 to 10000, got ${batchSize}`),
    );
  });

  it('fails if the batching window is over 300 seconds', () => {
    // GIVEN / WHEN / THEN
    expect(() => consume({ maxBatchingWindow: Duration.minutes(6) })).toThrow(
      /maxBatchingWindow must be at most 300 seconds, got 6 minutes/,
    );
  });

  it('fails if the minimum pollers exceed the maximum', () => {
    // GIVEN / WHEN / THEN
    expect(() => consume({ pollers: { minimum: 8, maximum: 4 } })).toThrow(
      /pollers.minimum \(8\) must not exceed pollers.maximum \(4\)/,
    );
  });
});

describe('KafkaLog and KafkaConsumer under cdk-nag', () => {
  /** A log with two consumer groups, under one pack. */
  function synthesizeUnder(pack: 'AwsSolutions' | 'Serverless') {
    const app = createApp({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Kafka', { env: ENV });
    const log = kafkaLog(stack);
    new KafkaConsumer(stack, 'Audit', { log, entry: ENTRY, consumerGroupId: 'audit' });
    new KafkaConsumer(stack, 'Sales', {
      log,
      entry: ENTRY,
      consumerGroupId: 'sales-per-minute',
      profile: 'high-throughput',
    });
    log.grantProduce(log.topicProvisioner);
    const checks =
      pack === 'Serverless'
        ? new cdkNag.ServerlessChecks(app, { verbose: true })
        : new cdkNag.AwsSolutionsChecks(app, { verbose: true });
    Validations.of(app).addPlugins(checks);
    return synthesizeWithValidation(app, checks.name);
  }

  it.each(['AwsSolutions', 'Serverless'] as const)(
    'synthesizes with no unacknowledged %s finding',
    (pack) => {
      // GIVEN / WHEN
      const outcome = synthesizeUnder(pack);
      // THEN
      expect(outcome.findings).toEqual([]);
      expect(outcome.error).toBeUndefined();
    },
  );
});
