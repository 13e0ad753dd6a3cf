import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { ThroughputProfile } from '../../lib/patterns/queue-consumer/index.js';
import { OrderEventsStack } from '../../lib/stacks/order-events-stack.js';
import { OrderFulfilmentStack } from '../../lib/stacks/order-fulfilment-stack.js';
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
    readonly fulfilment: OrderFulfilmentStack;
  };
  readonly templates: Record<string, Template>;
}

/**
 * Synthesizes the three stacks in-process, as bin/app.ts composes them, with the variant's
 * props. Bundling is skipped (the templates are the same; only asset hashes differ), so this
 * takes seconds.
 */
export function synthesizeApp(variant: AppVariant = DEFAULT_VARIANT): SynthesizedApp {
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
  const fulfilment = new OrderFulfilmentStack(app, 'OrderFulfilment', {
    env,
    bus: events.bus,
    statusTopic: notifications.statusStream.topic,
    stateMachineType: sfn.StateMachineType[variant.sagaType],
  });
  try {
    const assembly = app.synth();
    return {
      stacks: { events, notifications, fulfilment },
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
        case 'AWS::Lambda::EventSourceMapping':
          mappings.push({
            queue: nameOf(p.EventSourceArn),
            function: nameOf(p.FunctionName),
            batchSize: Number(p.BatchSize ?? 10),
            batchingWindowSeconds: Number(p.MaximumBatchingWindowInSeconds ?? 0),
            maxConcurrency: (p.ScalingConfig as { MaximumConcurrency?: number } | undefined)
              ?.MaximumConcurrency,
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
  return { variant, functions, queues, mappings, topics, rules, stateMachines, counts, archives };
}

/** Synthesizes the app as `variant` and reads its structure. */
export function appStructure(variant: AppVariant = DEFAULT_VARIANT): AppStructure {
  return readStructure(synthesizeApp(variant).templates, variant);
}
