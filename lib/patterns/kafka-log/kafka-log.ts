import {
  ArnFormat,
  CustomResource,
  Duration,
  Fn,
  Names,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import { Construct } from 'constructs';
import { NodeFunction, type NodeFunctionProps } from '../../shared/node-function.js';

/** The broker port of IAM client authentication on MSK. */
export const MSK_IAM_PORT = 9098;

/**
 * MSK Serverless holds at most 2,400 partitions per cluster (non-compacted topics), so no one
 * topic can have more.
 * @see https://docs.aws.amazon.com/msk/latest/developerguide/limits.html#serverless-quota
 */
export const MSK_SERVERLESS_MAX_PARTITIONS = 2400;

/**
 * MSK Serverless replicates every partition three ways across Availability Zones; the
 * replication factor is not a choice, but topic creation takes it.
 * @see https://docs.aws.amazon.com/msk/latest/developerguide/serverless.html
 */
export const MSK_SERVERLESS_REPLICATION_FACTOR = 3;

/** Kafka's own rule for topic names: 1-249 of `[a-zA-Z0-9._-]`, and neither `.` nor `..`. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
/** MSK cluster names: 1-64 characters, letters, digits and hyphens, starting with a letter or digit. */
const CLUSTER_NAME = /^[0-9A-Za-z][0-9A-Za-z-]{0,63}$/;
/** What Lambda and MSK accept as a consumer group id: 1-200 of these. */
const GROUP_ID = /^[a-zA-Z0-9\-/*:_+=.@]{1,200}$/;

/** How long records stay on the topic: a duration, or kept forever. */
export type Retention = Duration | 'unlimited';

export interface KafkaLogProps {
  /**
   * The VPC the cluster's client endpoints go in. Give one to share it with your functions.
   * @default a new VPC: one isolated subnet in each of 3 AZs, no NAT gateway, the interface
   * endpoints the MSK event source and clients need (SQS, MSK), an S3 gateway endpoint, and
   * flow logs of rejected traffic
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets for the cluster's client endpoints: at least two, in different AZs.
   * @default one per AZ: the VPC's private subnets with egress, or else its isolated ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Add the interface endpoints (SQS, MSK) and the S3 gateway endpoint that the MSK event
   * source, the topic provisioner and producers in the VPC need without a NAT gateway. Turn it
   * off for a VPC that reaches AWS through NAT or already has them. A KafkaConsumer's event
   * source runs in provisioned mode, for which Lambda makes its own connections to Lambda and
   * STS; one in on-demand mode would also need those two (`addClientEndpoints`).
   * @default true when this construct creates the VPC, false for a given one
   * @see https://docs.aws.amazon.com/lambda/latest/dg/with-msk-cluster-network.html
   */
  readonly interfaceEndpoints?: boolean;
  /**
   * The cluster's name (it is part of every topic and group ARN).
   * @default a name unique to this construct's path
   */
  readonly clusterName?: string;
  /**
   * The topic. Kafka topic names: 1-249 of letters, digits, `.`, `_` and `-`.
   * @default 'orders.events'
   */
  readonly topicName?: string;
  /**
   * Partitions of the topic: the ceiling on parallel consumers per group, and on write
   * throughput (MSK Serverless: 5 MBps in, 10 MBps out per partition). Partitions can be
   * added later, never removed, and adding them moves keys to other partitions.
   * Range 1-2,400 (MSK Serverless: 2,400 partitions per cluster).
   * @default 6
   * @see https://docs.aws.amazon.com/msk/latest/developerguide/limits.html#serverless-quota
   */
  readonly partitions?: number;
  /**
   * How long records are kept (`retention.ms`). MSK Serverless allows any duration, or
   * `'unlimited'`; a partition also drops its oldest records past `retention.bytes`
   * (250 GiB by default on MSK Serverless). At least 1 minute.
   * @default Duration.days(7), MSK Serverless's own default
   * @see https://docs.aws.amazon.com/msk/latest/developerguide/serverless-config.html
   */
  readonly retention?: Retention;
  /**
   * Handler module of the topic provisioner: the function that creates and updates the topic
   * through Kafka's admin API with IAM authentication (CreateTopics, CreatePartitions,
   * IncrementalAlterConfigs). MSK's CreateTopic API and `AWS::MSK::Topic` serve provisioned
   * clusters only, so an MSK Serverless topic needs a Kafka client inside the VPC. It backs a
   * `Custom::KafkaTopic` resource whose properties are those of `AWS::MSK::Topic`
   * (`ClusterArn`, `TopicName`, `PartitionCount`, `ReplicationFactor`, `Configs`: base64 of
   * a JSON object of topic configs) and answers CloudFormation through the request's
   * pre-signed S3 URL (reachable through the S3 gateway endpoint).
   * @see https://docs.aws.amazon.com/msk/latest/developerguide/msk-topic-operations-information.html
   */
  readonly topicProvisionerEntry: string;
  /** Anything else for the topic provisioner function. @default NodeFunction defaults */
  readonly topicProvisionerProps?: Partial<NodeFunctionProps>;
  /**
   * What happens to the cluster and topic when they leave the stack. The log is the record
   * of what happened: its records go with the cluster.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** A log a consumer can read: what KafkaConsumer needs from a KafkaLog. */
export interface ConsumableKafkaLog {
  readonly clusterArn: string;
  readonly topicName: string;
  readonly partitions: number;
  readonly retention: Retention;
  grantConsume(grantee: iam.IGrantable, groupId: string): iam.Grant;
}

/**
 * A Kafka log on Amazon MSK Serverless: a cluster with IAM client authentication only, in a
 * VPC, one topic with a partition count and a retention, and least-privilege grants to produce
 * and to consume as a consumer group.
 *
 * Clients (producers, the MSK event source of a KafkaConsumer) reach the brokers on port 9098
 * from `clientSecurityGroup`; the event source mapping itself runs with the cluster's own
 * security group and subnets, which is why the cluster security group also admits itself.
 *
 * @see https://docs.aws.amazon.com/msk/latest/developerguide/serverless.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-msk-cluster-network.html
 */
export class KafkaLog extends Construct implements ConsumableKafkaLog {
  public readonly vpc: ec2.IVpc;
  public readonly vpcSubnets: ec2.SubnetSelection;
  public readonly cluster: msk.CfnServerlessCluster;
  public readonly clusterArn: string;
  public readonly clusterName: string;
  /** Attached to the cluster: admits 9098 from clients and from itself (the event source). */
  public readonly clusterSecurityGroup: ec2.SecurityGroup;
  /** Give this to anything that connects to the brokers. */
  public readonly clientSecurityGroup: ec2.SecurityGroup;
  public readonly topicName: string;
  public readonly partitions: number;
  public readonly retention: Retention;
  /** ARN of the topic, as IAM authorization names it. */
  public readonly topicArn: string;
  /** The `Custom::KafkaTopic` resource. */
  public readonly topic: CustomResource;
  /**
   * The cluster's SASL/IAM bootstrap brokers (comma-separated `host:9098`), as the topic
   * provisioner returns them (its `BootstrapBrokers` attribute): MSK Serverless's bootstrap
   * address is no CloudFormation attribute of the cluster, only GetBootstrapBrokers gives it.
   */
  public readonly bootstrapBrokers: string;
  public readonly topicProvisioner: NodeFunction;
  private endpointSecurityGroup?: ec2.SecurityGroup;
  private endpointSubnets?: ec2.SelectedSubnets;

  constructor(scope: Construct, id: string, props: KafkaLogProps) {
    super(scope, id);
    this.topicName = props.topicName ?? 'orders.events';
    this.partitions = props.partitions ?? 6;
    this.retention = props.retention ?? Duration.days(7);
    validateTopic(this.topicName, this.partitions, this.retention);
    this.clusterName =
      props.clusterName ??
      Names.uniqueResourceName(this, { maxLength: 64, separator: '-', allowedSpecialCharacters: '-' });
    if (!Token.isUnresolved(this.clusterName) && !CLUSTER_NAME.test(this.clusterName)) {
      throw new Error(
        `KafkaLog: clusterName must be 1-64 letters, digits and hyphens, starting with a letter or digit, got '${this.clusterName}'.`,
      );
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.vpc = props.vpc ?? this.createVpc();
    this.vpcSubnets = props.vpcSubnets ?? {
      subnetType:
        this.vpc.privateSubnets.length > 0
          ? ec2.SubnetType.PRIVATE_WITH_EGRESS
          : ec2.SubnetType.PRIVATE_ISOLATED,
      onePerAz: true,
    };
    const subnets = this.vpc.selectSubnets(this.vpcSubnets);
    if (!Token.isUnresolved(subnets.subnetIds) && subnets.subnetIds.length < 2) {
      throw new Error(
        `KafkaLog: MSK Serverless needs subnets in at least two Availability Zones, got ${subnets.subnetIds.length}. Check vpcSubnets.`,
      );
    }
    const endpoints = props.interfaceEndpoints ?? props.vpc === undefined;

    this.clientSecurityGroup = new ec2.SecurityGroup(this, 'ClientSecurityGroup', {
      vpc: this.vpc,
      description: `Clients of the Kafka cluster ${this.node.path}`,
    });
    this.clusterSecurityGroup = new ec2.SecurityGroup(this, 'ClusterSecurityGroup', {
      vpc: this.vpc,
      description: `Kafka cluster ${this.node.path}: IAM-authenticated clients on ${MSK_IAM_PORT}`,
      allowAllOutbound: false,
    });
    const iamPort = ec2.Port.tcp(MSK_IAM_PORT);
    this.clusterSecurityGroup.addIngressRule(this.clientSecurityGroup, iamPort, 'Kafka clients (IAM)');
    // The MSK event source polls from ENIs with the cluster's own security group.
    this.clusterSecurityGroup.addIngressRule(this.clusterSecurityGroup, iamPort, 'MSK event source pollers');
    this.clusterSecurityGroup.addEgressRule(this.clusterSecurityGroup, iamPort, 'MSK event source pollers');
    // The pollers send to the on-failure destination over HTTPS: its endpoint, or NAT.
    this.clusterSecurityGroup.addEgressRule(
      endpoints ? this.addEndpoints(subnets) : ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'MSK event source pollers to the on-failure destination (SQS)',
    );

    this.cluster = new msk.CfnServerlessCluster(this, 'Cluster', {
      clusterName: this.clusterName,
      // IAM is the only client authentication MSK Serverless offers; TLS in transit is always on.
      clientAuthentication: { sasl: { iam: { enabled: true } } },
      vpcConfigs: [
        { subnetIds: subnets.subnetIds, securityGroups: [this.clusterSecurityGroup.securityGroupId] },
      ],
    });
    this.cluster.applyRemovalPolicy(removalPolicy);
    // Ref of a serverless cluster is its ARN (as CDK's own cluster reference reads it).
    this.clusterArn = this.cluster.ref;
    this.topicArn = this.kafkaArn('topic', this.topicName);

    this.topicProvisioner = new NodeFunction(this, 'TopicProvisioner', {
      serviceName: `${id}-topic-provisioner`,
      timeout: Duration.minutes(5),
      ...props.topicProvisionerProps,
      entry: props.topicProvisionerEntry,
      ...this.clientPlacement,
      environment: { ...props.topicProvisionerProps?.environment, KAFKA_CLUSTER_ARN: this.clusterArn },
    });
    allowVpcNetworking(this.topicProvisioner);
    this.grantTopicAdmin(this.topicProvisioner, removalPolicy === RemovalPolicy.DESTROY);
    Validations.of(this.topicProvisioner).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked by CloudFormation for the topic resource only: a failure is the stack event, and a queued request could no longer be answered.',
    });
    this.topic = new CustomResource(this, 'Topic', {
      serviceToken: this.topicProvisioner.functionArn,
      resourceType: 'Custom::KafkaTopic',
      removalPolicy,
      properties: {
        ClusterArn: this.clusterArn,
        TopicName: this.topicName,
        PartitionCount: this.partitions,
        ReplicationFactor: MSK_SERVERLESS_REPLICATION_FACTOR,
        Configs: encodeTopicConfigs(topicConfigs(this.retention)),
      },
    });
    // The function's policy must exist before CloudFormation calls it.
    this.topic.node.addDependency(this.topicProvisioner.role);
    this.bootstrapBrokers = this.topic.getAttString('BootstrapBrokers');
  }

  /**
   * What a producer or consumer function needs to reach the topic, as lambdas/shared/kafka.ts
   * reads it: KAFKA_CLUSTER_ARN, KAFKA_TOPIC, KAFKA_BOOTSTRAP_BROKERS (`bootstrapBrokers`, so
   * a function that takes it is created after the topic) and KAFKA_AUTH `iam` (the only client
   * authentication of MSK Serverless).
   */
  public get environment(): Record<string, string> {
    return {
      KAFKA_CLUSTER_ARN: this.clusterArn,
      KAFKA_TOPIC: this.topicName,
      KAFKA_BOOTSTRAP_BROKERS: this.bootstrapBrokers,
      KAFKA_AUTH: 'iam',
    };
  }

  /**
   * Where a client function goes (the brokers are reachable from the VPC only), to spread into
   * its props. A function with its own role also needs Lambda's VPC permissions for its ENIs
   * (AWSLambdaVPCAccessExecutionRole), as the topic provisioner has.
   */
  public get clientPlacement(): {
    vpc: ec2.IVpc;
    vpcSubnets: ec2.SubnetSelection;
    securityGroups: ec2.ISecurityGroup[];
  } {
    return { vpc: this.vpc, vpcSubnets: this.vpcSubnets, securityGroups: [this.clientSecurityGroup] };
  }

  /**
   * Make a function (placed with `clientPlacement`, given `environment`) a producer of the
   * topic: Lambda's VPC permissions for its ENIs, and the grants to write idempotently.
   */
  public connectProducer(producer: NodeFunction): void {
    allowVpcNetworking(producer);
    this.grantProduce(producer);
  }

  /**
   * More interface endpoints in the log's VPC, for what its clients call besides Kafka (say a
   * producer that also publishes to SNS or EventBridge), open to the clients only. Nothing is
   * added when the VPC reaches AWS another way (`interfaceEndpoints: false`).
   */
  public addClientEndpoints(services: Record<string, ec2.InterfaceVpcEndpointAwsService>): void {
    if (!this.endpointSecurityGroup) return;
    for (const [endpointId, service] of Object.entries(services))
      this.addInterfaceEndpoint(endpointId, service);
  }

  /** ARN of a consumer group of this cluster, as IAM authorization names it. */
  public groupArn(groupId: string): string {
    return this.kafkaArn('group', groupId);
  }

  /**
   * Write to the topic: connect, find the brokers, describe and write the topic, and write
   * idempotently (producers from Kafka 3.0 on are idempotent by default, which needs it).
   */
  public grantProduce(grantee: iam.IGrantable): iam.Grant {
    return this.grantCluster(grantee, 'kafka-cluster:WriteDataIdempotently').combine(
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
        resourceArns: [this.topicArn],
      }),
    );
  }

  /**
   * Read the topic as consumer group `groupId` (a literal id: `*` would be a wildcard in the
   * group ARN): connect, describe the cluster (the MSK event source needs DescribeClusterV2 on
   * a serverless cluster), describe and read the topic, describe and join the group.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/with-msk-permissions.html
   */
  public grantConsume(grantee: iam.IGrantable, groupId: string): iam.Grant {
    validateGroupId(groupId);
    return this.grantCluster(grantee, 'kafka:DescribeClusterV2')
      .combine(
        iam.Grant.addToPrincipal({
          grantee,
          actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
          resourceArns: [this.topicArn],
        }),
      )
      .combine(
        iam.Grant.addToPrincipal({
          grantee,
          actions: ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'],
          resourceArns: [this.groupArn(groupId)],
        }),
      );
  }

  private grantCluster(grantee: iam.IGrantable, ...extra: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['kafka-cluster:Connect', 'kafka:GetBootstrapBrokers', ...extra],
      resourceArns: [this.clusterArn],
    });
  }

  /** Create, describe and alter the topic and its configuration; delete it only if the topic may go. */
  private grantTopicAdmin(grantee: iam.IGrantable, mayDelete: boolean): void {
    this.grantCluster(grantee);
    iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'kafka-cluster:CreateTopic',
        'kafka-cluster:DescribeTopic',
        'kafka-cluster:AlterTopic',
        'kafka-cluster:DescribeTopicDynamicConfiguration',
        'kafka-cluster:AlterTopicDynamicConfiguration',
        ...(mayDelete ? ['kafka-cluster:DeleteTopic'] : []),
      ],
      resourceArns: [this.topicArn],
    });
  }

  /**
   * `arn:<partition>:kafka:<region>:<account>:<type>/<cluster name>/<cluster uuid>/<name>`,
   * the cluster's name and UUID taken from its ARN (`.../cluster/<name>/<uuid>`).
   * @see https://docs.aws.amazon.com/msk/latest/developerguide/iam-access-control.html#msk-iam-resources
   */
  private kafkaArn(type: 'topic' | 'group', name: string): string {
    const uuid = Fn.select(2, Fn.split('/', this.clusterArn));
    return Stack.of(this).formatArn({
      service: 'kafka',
      resource: type,
      resourceName: `${this.clusterName}/${uuid}/${name}`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  private addInterfaceEndpoint(endpointId: string, service: ec2.InterfaceVpcEndpointAwsService): void {
    if (!this.endpointSecurityGroup || !this.endpointSubnets) return;
    new ec2.InterfaceVpcEndpoint(this, endpointId, {
      vpc: this.vpc,
      service,
      subnets: { subnets: this.endpointSubnets.subnets },
      privateDnsEnabled: true,
      securityGroups: [this.endpointSecurityGroup],
      open: false,
    });
  }

  private createVpc(): ec2.Vpc {
    return new ec2.Vpc(this, 'Vpc', {
      maxAzs: 3,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Kafka', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      flowLogs: {
        Rejected: {
          trafficType: ec2.FlowLogTrafficType.REJECT,
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, 'FlowLogs', {
              retention: logs.RetentionDays.ONE_MONTH,
              removalPolicy: RemovalPolicy.DESTROY,
            }),
          ),
        },
      },
    });
  }

  /**
   * Without NAT, the MSK event source's pollers reach the on-failure destination (SQS here)
   * only through an interface endpoint in the cluster's VPC (in provisioned mode Lambda makes
   * its own connections to Lambda and STS: PrivateLink endpoints for those are for on-demand
   * mode only); the topic provisioner finds the brokers through the MSK API
   * (GetBootstrapBrokers: the serverless bootstrap address is no CloudFormation attribute) and
   * answers CloudFormation through S3.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/with-msk-cluster-network.html
   * @see https://docs.aws.amazon.com/lambda/latest/dg/with-msk-on-failure.html
   */
  private addEndpoints(subnets: ec2.SelectedSubnets): ec2.SecurityGroup {
    // One security group for the endpoints, open to the pollers and the clients only.
    const securityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: `AWS service endpoints of ${this.node.path}`,
      allowAllOutbound: false,
    });
    for (const peer of [this.clusterSecurityGroup, this.clientSecurityGroup])
      securityGroup.addIngressRule(peer, ec2.Port.tcp(443), 'HTTPS to AWS services');
    const services: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
      SqsEndpoint: ec2.InterfaceVpcEndpointAwsService.SQS,
      // The topic provisioner asks the MSK API for the bootstrap brokers.
      KafkaEndpoint: ec2.InterfaceVpcEndpointAwsService.KAFKA,
    };
    this.endpointSecurityGroup = securityGroup;
    this.endpointSubnets = subnets;
    for (const [endpointId, service] of Object.entries(services))
      this.addInterfaceEndpoint(endpointId, service);
    new ec2.GatewayVpcEndpoint(this, 'S3Endpoint', {
      vpc: this.vpc,
      service: ec2.GatewayVpcEndpointAwsService.S3,
      subnets: [{ subnets: subnets.subnets }],
    });
    return securityGroup;
  }
}

/**
 * NodeFunction brings its own role, so Lambda's VPC permissions (ENIs) are not added for a
 * function placed in a VPC: add them, acknowledged for cdk-nag.
 */
function allowVpcNetworking(fn: NodeFunction): void {
  const vpcAccess = 'service-role/AWSLambdaVPCAccessExecutionRole';
  fn.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(vpcAccess));
  Validations.of(fn).acknowledge({
    id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${vpcAccess}]`,
    reason:
      "A function in a VPC needs to create and delete its ENIs (EC2 actions with no resource-level permissions); AWS's managed policy is exactly that.",
  });
}

/** The topic configs this construct sets, as Kafka names them. */
export function topicConfigs(retention: Retention): Record<string, string> {
  return {
    'cleanup.policy': 'delete',
    'retention.ms': retention === 'unlimited' ? '-1' : String(retention.toMilliseconds()),
  };
}

/** Topic configs as MSK's topic API and `AWS::MSK::Topic` take them: base64 of a JSON object. */
export function encodeTopicConfigs(configs: Record<string, string>): string {
  return Buffer.from(JSON.stringify(configs), 'utf8').toString('base64');
}

function validateTopic(topicName: string, partitions: number, retention: Retention): void {
  if (
    !Token.isUnresolved(topicName) &&
    (!TOPIC_NAME.test(topicName) || topicName === '.' || topicName === '..')
  ) {
    throw new Error(
      `KafkaLog: topicName must be 1-249 letters, digits, '.', '_' or '-' (and not '.' or '..'), got '${topicName}'.`,
    );
  }
  if (
    !Token.isUnresolved(partitions) &&
    (!Number.isInteger(partitions) || partitions < 1 || partitions > MSK_SERVERLESS_MAX_PARTITIONS)
  ) {
    throw new Error(
      `KafkaLog: partitions must be a whole number from 1 to ${MSK_SERVERLESS_MAX_PARTITIONS} ` +
        `(MSK Serverless holds ${MSK_SERVERLESS_MAX_PARTITIONS} partitions per cluster, ` +
        `https://docs.aws.amazon.com/msk/latest/developerguide/limits.html#serverless-quota), got ${partitions}.`,
    );
  }
  if (retention !== 'unlimited' && !retention.isUnresolved()) {
    const ms = retention.toMilliseconds();
    if (ms < 60_000) {
      throw new Error(
        `KafkaLog: retention must be at least 1 minute, or 'unlimited' (MSK Serverless takes any retention.ms, ` +
          `https://docs.aws.amazon.com/msk/latest/developerguide/serverless-config.html), got ${retention.toHumanString()}.`,
      );
    }
  }
}

function validateGroupId(groupId: string): void {
  if (Token.isUnresolved(groupId)) return;
  if (!GROUP_ID.test(groupId) || groupId.includes('*')) {
    throw new Error(
      `KafkaLog: a consumer group id must be 1-200 of letters, digits and - / : _ + = . @ ` +
        `(no '*', which IAM would read as a wildcard in the group ARN), got '${groupId}'.`,
    );
  }
}
