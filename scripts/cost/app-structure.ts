import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { ThroughputProfile } from '../../lib/patterns/queue-consumer/index.js';
import { OrderEventsStack } from '../../lib/stacks/order-events-stack.js';
import { OrderFulfilmentStack } from '../../lib/stacks/order-fulfilment-stack.js';
import { OrderLogStack, type OrderLogStackProps } from '../../lib/stacks/order-log-stack.js';
import { OrderNotificationsStack } from '../../lib/stacks/order-notifications-stack.js';
import { logicalIdOfToken, parseDefinitionString, type StateMachineDefinition } from '../shared/asl.js';
import { resourceName } from '../shared/resource-names.js';

/** The app variants the cost model compares; each is synthesized as it would deploy. */
export interface AppVariant {
  /** The notification consumers' throughput profile (OrderNotificationsStack `profile`). */
  readonly profile: ThroughputProfile;
  /** The saga's state machine type (OrderFulfilmentStack `stateMachineType`). */
  readonly sagaType: 'STANDARD' | 'EXPRESS';
}

export const DEFAULT_VARIANT: AppVariant = { profile: 'low-latency', sagaType: 'STANDARD' };

export interface FunctionInfo {
  /** See `resourceName`, e.g. `OrderNotifications/EmailNotifier`. */
  readonly name: string;
  readonly memoryMb: number;
  readonly architecture: 'arm64' | 'x86_64';
  readonly timeoutSeconds: number;
  /** The table of its Powertools idempotency records (IDEMPOTENCY_TABLE_NAME), if any. */
  readonly idempotencyTable: string | undefined;
  /** The table its own effects go to (the other `*_TABLE_NAME`), if any. */
  readonly dataTable: string | undefined;
  /** The event store it appends to (EVENT_STORE_TABLE), if any. */
  readonly eventStoreTable: string | undefined;
}

export interface QueueInfo {
  /** See `resourceName`, e.g. `OrderNotifications/EmailQueue`. */
  readonly name: string;
  readonly fifo: boolean;
}

export interface MappingInfo {
  /** The queue it polls, or for a DynamoDB stream the table (see `resourceName`). */
  readonly queue: string;
  readonly function: string;
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly maxConcurrency: number | undefined;
}

export interface SubscriptionInfo {
  readonly queue: string;
  /** The filter policy (on the body or on attributes), if any. */
  readonly filter: Record<string, unknown> | undefined;
}

export interface TopicInfo {
  readonly name: string;
  readonly fifo: boolean;
  readonly encrypted: boolean;
  readonly subscriptions: readonly SubscriptionInfo[];
}

export interface RuleTarget {
  readonly kind: 'queue' | 'topic';
  readonly name: string;
}

export interface RuleInfo {
  /** See `resourceName`; its last segment is the route's id, e.g. `FraudReview`. */
  readonly name: string;
  readonly pattern: Record<string, unknown>;
  readonly targets: readonly RuleTarget[];
}

export interface StateMachineInfo {
  readonly type: 'STANDARD' | 'EXPRESS';
  /** Task states' `Resource` is the invoked function's name. */
  readonly definition: StateMachineDefinition;
}

export interface KafkaTopicInfo {
  /** The cluster it is on (see `resourceName`). */
  readonly cluster: string;
  readonly name: string;
  readonly partitions: number;
  /** `retention.ms` in ms, or unlimited (-1). */
  readonly retentionMs: number | 'unlimited';
}

export interface KafkaMappingInfo {
  /** The cluster it polls (see `resourceName`). */
  readonly cluster: string;
  readonly topic: string;
  readonly function: string;
  readonly consumerGroup: string;
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  /** Provisioned mode's event pollers; undefined in on-demand mode, which bills none. */
  readonly pollers:
    | { readonly minimum: number; readonly maximum: number; readonly group?: string }
    | undefined;
}

export interface VpcEndpointInfo {
  /** See `resourceName`, e.g. `OrderLog/LambdaEndpoint`. */
  readonly name: string;
  /** The AWS service it reaches: the last part of its service name, e.g. `lambda`. */
  readonly service: string;
  /** Availability Zones it has a network interface in: one per subnet. */
  readonly zones: number;
}

/** An MSK Serverless log: its clusters, topics and the Lambda event source mappings reading them. */
export interface KafkaStructure {
  /** MSK Serverless clusters (see `resourceName`). */
  readonly clusters: readonly string[];
  readonly topics: readonly KafkaTopicInfo[];
  readonly mappings: readonly KafkaMappingInfo[];
}

/** What the cost model reads from the synthesized templates. */
export interface AppStructure {
  readonly variant: AppVariant;
  readonly functions: readonly FunctionInfo[];
  readonly queues: readonly QueueInfo[];
  readonly mappings: readonly MappingInfo[];
  readonly topics: readonly TopicInfo[];
  readonly rules: readonly RuleInfo[];
  readonly stateMachines: readonly StateMachineInfo[];
  /** Resources with a monthly fee whatever the traffic. */
  readonly counts: { readonly alarms: number; readonly dashboards: number; readonly kmsKeys: number };
  readonly archives: number;
  /** The Kafka log, if the app has one (MSK Serverless). */
  readonly kafka?: KafkaStructure;
  /** Interface VPC endpoints, billed per AZ-hour (gateway endpoints are free and left out). */
  readonly vpcEndpoints?: readonly VpcEndpointInfo[];
}

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}
export interface Template {
  readonly Resources: Readonly<Record<string, Resource>>;
}

export interface SynthesizedApp {
  readonly stacks: {
    readonly events: OrderEventsStack;
    readonly notifications: OrderNotificationsStack;
    readonly log: OrderLogStack;
    readonly fulfilment: OrderFulfilmentStack;
  };
  readonly templates: Record<string, Template>;
}

/** Props of the app's stacks other than the variant's, for tests of what the model reads. */
export interface SynthesizeOptions {
  /** The order log's topic (OrderLogStack `partitions`, `retention`); the app's defaults otherwise. */
  readonly orderLog?: Pick<OrderLogStackProps, 'partitions' | 'retention'>;
}

/**
 * Synthesizes the four stacks in-process, as bin/app.ts composes them (the order log before
 * the fulfilment stack, whose outbox relay is its producer), with the variant's props.
 * Bundling is skipped (the templates are the same; only asset hashes differ), so this takes
 * seconds.
 */
export function synthesizeApp(
  variant: AppVariant = DEFAULT_VARIANT,
  options: SynthesizeOptions = {},
): SynthesizedApp {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'cost-synth-'));
  const app = new App({
    outdir,
    context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true },
  });
  const env = { account: '123456789012', region: 'us-east-1' };
  const events = new OrderEventsStack(app, 'OrderEvents', { env });
  const notifications = new OrderNotificationsStack(app, 'OrderNotifications', {
    env,
    bus: events.bus,
    profile: variant.profile,
  });
  const log = new OrderLogStack(app, 'OrderLog', { env, ...options.orderLog });
  const fulfilment = new OrderFulfilmentStack(app, 'OrderFulfilment', {
    env,
    bus: events.bus,
    statusTopic: notifications.statusStream.topic,
    orderLog: log.log,
    stateMachineType: sfn.StateMachineType[variant.sagaType],
  });
  try {
    const assembly = app.synth();
    return {
      stacks: { events, notifications, log, fulfilment },
      templates: Object.fromEntries(assembly.stacks.map((s) => [s.stackName, s.template as Template])),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const nameFrom = (resource: Resource, logicalId: string): string => {
  const path = resource.Metadata?.['aws:cdk:path'];
  return typeof path === 'string' ? resourceName(path) : logicalId;
};

/** MSK Serverless keeps records 7 days unless a topic says otherwise. */
const MSK_DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;
/** What an MSK event source mapping batches when its template does not say. */
const MSK_DEFAULT_BATCH = { size: 100, windowSeconds: 0.5 };

/** `retention.ms` of a topic's `Configs` (base64 of a JSON object, as AWS::MSK::Topic takes them). */
function retentionOf(configs: unknown): number | 'unlimited' {
  if (typeof configs !== 'string') return MSK_DEFAULT_RETENTION_MS;
  try {
    const parsed = JSON.parse(Buffer.from(configs, 'base64').toString('utf8')) as Record<string, unknown>;
    const ms = Number(parsed['retention.ms'] ?? MSK_DEFAULT_RETENTION_MS);
    return ms < 0 ? 'unlimited' : ms;
  } catch {
    return MSK_DEFAULT_RETENTION_MS;
  }
}

/** `com.amazonaws.us-east-1.lambda` → `lambda`; of an `Fn::Join` (region as a token), its last literal part. */
function serviceOf(serviceName: unknown): string {
  const join = (serviceName as { 'Fn::Join'?: [string, unknown[]] } | null)?.['Fn::Join'];
  const text =
    typeof serviceName === 'string'
      ? serviceName
      : join?.[1].filter((part): part is string => typeof part === 'string').at(-1);
  return text?.split('.').at(-1) ?? 'unknown';
}

/** Reads the structure the cost model needs from the stacks' templates. */
export function readStructure(templates: Record<string, Template>, variant: AppVariant): AppStructure {
  const functions: FunctionInfo[] = [];
  const queues: QueueInfo[] = [];
  const mappings: MappingInfo[] = [];
  const topics: TopicInfo[] = [];
  const rules: RuleInfo[] = [];
  const stateMachines: StateMachineInfo[] = [];
  const counts = { alarms: 0, dashboards: 0, kmsKeys: 0 };
  let archives = 0;
  const clusters: string[] = [];
  const kafkaTopics: KafkaTopicInfo[] = [];
  const kafkaMappings: KafkaMappingInfo[] = [];
  const vpcEndpoints: VpcEndpointInfo[] = [];
  for (const template of Object.values(templates)) {
    const resources = template.Resources;
    const nameOf = (token: unknown) => {
      const id = logicalIdOfToken(token);
      const r = resources[id];
      return r ? nameFrom(r, id) : id;
    };
    const subscriptions = Object.values(resources).filter((r) => r.Type === 'AWS::SNS::Subscription');
    for (const [id, r] of Object.entries(resources)) {
      const p = r.Properties ?? {};
      switch (r.Type) {
        case 'AWS::Lambda::Function': {
          const env = (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
          functions.push({
            name: nameFrom(r, id),
            memoryMb: Number(p.MemorySize ?? 128),
            architecture: (p.Architectures as string[] | undefined)?.[0] === 'arm64' ? 'arm64' : 'x86_64',
            timeoutSeconds: Number(p.Timeout ?? 3),
            idempotencyTable: env.IDEMPOTENCY_TABLE_NAME ? nameOf(env.IDEMPOTENCY_TABLE_NAME) : undefined,
            dataTable: Object.entries(env)
              .filter(([k]) => k.endsWith('_TABLE_NAME') && k !== 'IDEMPOTENCY_TABLE_NAME')
              .map(([, v]) => nameOf(v))[0],
            eventStoreTable: env.EVENT_STORE_TABLE ? nameOf(env.EVENT_STORE_TABLE) : undefined,
          });
          break;
        }
        case 'AWS::SQS::Queue':
          queues.push({ name: nameFrom(r, id), fifo: p.FifoQueue === true });
          break;
        case 'AWS::Lambda::EventSourceMapping': {
          // A Kafka mapping names its topics; a queue's or a stream's has none.
          const topic = (p.Topics as unknown[] | undefined)?.[0];
          if (topic !== undefined) {
            const poller = p.ProvisionedPollerConfig as
              | { MinimumPollers?: number; MaximumPollers?: number; PollerGroupName?: string }
              | undefined;
            kafkaMappings.push({
              cluster: nameOf(p.EventSourceArn),
              topic: String(topic),
              function: nameOf(p.FunctionName),
              consumerGroup: String(
                (p.AmazonManagedKafkaEventSourceConfig as { ConsumerGroupId?: string } | undefined)
                  ?.ConsumerGroupId ?? '',
              ),
              batchSize: Number(p.BatchSize ?? MSK_DEFAULT_BATCH.size),
              batchingWindowSeconds: Number(
                p.MaximumBatchingWindowInSeconds ?? MSK_DEFAULT_BATCH.windowSeconds,
              ),
              pollers: poller
                ? {
                    minimum: Number(poller.MinimumPollers ?? 1),
                    maximum: Number(poller.MaximumPollers ?? 200),
                    ...(poller.PollerGroupName ? { group: poller.PollerGroupName } : {}),
                  }
                : undefined,
            });
            break;
          }
          mappings.push({
            queue: nameOf(p.EventSourceArn),
            function: nameOf(p.FunctionName),
            batchSize: Number(p.BatchSize ?? 10),
            batchingWindowSeconds: Number(p.MaximumBatchingWindowInSeconds ?? 0),
            maxConcurrency: (p.ScalingConfig as { MaximumConcurrency?: number } | undefined)
              ?.MaximumConcurrency,
          });
          break;
        }
        case 'AWS::MSK::ServerlessCluster':
          clusters.push(nameFrom(r, id));
          break;
        // KafkaLog's topic: a custom resource with AWS::MSK::Topic's properties.
        case 'Custom::KafkaTopic':
        case 'AWS::MSK::Topic':
          kafkaTopics.push({
            cluster: nameOf(p.ClusterArn),
            name: String(p.TopicName),
            partitions: Number(p.PartitionCount),
            retentionMs: retentionOf(p.Configs),
          });
          break;
        case 'AWS::EC2::VPCEndpoint':
          if (p.VpcEndpointType === 'Interface')
            vpcEndpoints.push({
              name: nameFrom(r, id),
              service: serviceOf(p.ServiceName),
              zones: Math.max(1, ((p.SubnetIds as unknown[] | undefined) ?? []).length),
            });
          break;
        case 'AWS::SNS::Topic':
          topics.push({
            name: nameFrom(r, id),
            fifo: p.FifoTopic === true,
            encrypted: p.KmsMasterKeyId !== undefined,
            subscriptions: subscriptions
              .filter(
                (s) => logicalIdOfToken(s.Properties?.TopicArn) === id && s.Properties?.Protocol === 'sqs',
              )
              .map((s) => ({
                queue: nameOf(s.Properties?.Endpoint),
                filter: s.Properties?.FilterPolicy as Record<string, unknown> | undefined,
              })),
          });
          break;
        case 'AWS::Events::Rule':
          rules.push({
            name: nameFrom(r, id),
            pattern: p.EventPattern as Record<string, unknown>,
            targets: ((p.Targets as Array<{ Arn: unknown }> | undefined) ?? []).map((t) => {
              const target = resources[logicalIdOfToken(t.Arn)];
              return { kind: target?.Type === 'AWS::SNS::Topic' ? 'topic' : 'queue', name: nameOf(t.Arn) };
            }),
          });
          break;
        case 'AWS::StepFunctions::StateMachine':
          stateMachines.push({
            type: p.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
            definition: parseDefinitionString(p.DefinitionString, nameOf),
          });
          break;
        case 'AWS::CloudWatch::Alarm':
          counts.alarms++;
          break;
        case 'AWS::CloudWatch::Dashboard':
          counts.dashboards++;
          break;
        case 'AWS::KMS::Key':
          counts.kmsKeys++;
          break;
        case 'AWS::Events::Archive':
          archives++;
          break;
      }
    }
  }
  const kafka: KafkaStructure | undefined =
    clusters.length > 0 ? { clusters, topics: kafkaTopics, mappings: kafkaMappings } : undefined;
  return {
    variant,
    functions,
    queues,
    mappings,
    topics,
    rules,
    stateMachines,
    counts,
    archives,
    ...(kafka ? { kafka } : {}),
    vpcEndpoints,
  };
}

/** Synthesizes the app as `variant` and reads its structure. */
export function appStructure(variant: AppVariant = DEFAULT_VARIANT): AppStructure {
  return readStructure(synthesizeApp(variant).templates, variant);
}
