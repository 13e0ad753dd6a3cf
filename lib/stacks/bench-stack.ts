import type { App } from 'aws-cdk-lib';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import {
  ORDER_CONFIRMED_DETAIL_TYPE,
  ORDER_CONFIRMED_SOURCE,
} from '../../contracts/events/order-confirmed.js';
import { EventRouter } from '../patterns/event-router/index.js';
import { FanOutTopic } from '../patterns/fan-out-topic/index.js';
import { QueueConsumer, type ThroughputProfile } from '../patterns/queue-consumer/index.js';
import { ReliableQueue } from '../patterns/reliable-queue/index.js';
import { serviceTable } from '../shared/tables.js';
import { appFunctionProps, lambdaEntry } from './app-functions.js';
import { contextFlag } from './context-flag.js';
import { acknowledgeDataKeyGrants, type DataEncryptionProps, type DataKeysStack } from './data-keys-stack.js';
import { capitalise } from './output-keys.js';
import { appIdempotencyTable } from './stores.js';

export interface BenchStackProps extends StackProps, DataEncryptionProps {}

/** The consumers `npm run bench` compares; each writes its items under its own name. */
export const BENCH_VARIANTS = ['low-latency', 'high-throughput', 'no-idempotency', 'eventbridge'] as const;
export type BenchVariant = (typeof BENCH_VARIANTS)[number];

/** The CDK context key that adds this stack to the app (`--context bench=true`). */
export const BENCH_CONTEXT_KEY = 'bench';
export const BENCH_STACK_ID = 'Benchmark';

/**
 * A controlled setup for `npm run bench`, never part of the default app: one topic fanning
 * out to consumers that differ in one thing each (profile; idempotency on or off), and an
 * EventBridge rule to a queue and consumer. All run the same handler artifact.
 */
export class BenchStack extends Stack {
  public readonly consumers: Record<BenchVariant, QueueConsumer>;
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: BenchStackProps = {}) {
    super(scope, id, props);
    const { encryptionKey } = props;
    acknowledgeDataKeyGrants(this, encryptionKey);
    this.table = serviceTable(this, 'Results', encryptionKey);
    const idempotency = appIdempotencyTable(this, encryptionKey);
    const topic = new FanOutTopic(this, 'Topic');
    const router = new EventRouter(this, 'Router', { archive: false });

    // As the notifications stack: 5 s functions, a visibility timeout that fits either profile.
    const queue = (name: string) =>
      new ReliableQueue(this, name, { visibilityTimeout: Duration.seconds(35) });
    const consumer = (
      variant: BenchVariant,
      source: ReliableQueue,
      profile: ThroughputProfile,
      idempotent: boolean,
    ) => {
      const c = new QueueConsumer(this, `${pascal(variant)}Consumer`, {
        source,
        entry: lambdaEntry('bench-recorder'),
        functionProps: appFunctionProps(encryptionKey),
        profile,
        timeout: Duration.seconds(5),
        ...(idempotent ? { idempotencyTable: idempotency.table } : {}),
        environment: { BENCH_VARIANT: variant, BENCH_TABLE_NAME: this.table.tableName },
      });
      this.table.grantWriteData(c.function);
      return c;
    };

    const fanOut = (variant: BenchVariant, profile: ThroughputProfile, idempotent: boolean) => {
      const q = queue(`${pascal(variant)}Queue`);
      topic.subscribeQueue(q);
      return consumer(variant, q, profile, idempotent);
    };
    const routed = queue('EventBridgeQueue');
    router.addRoute('OrderConfirmed', {
      description: 'OrderConfirmed, to the benchmark queue',
      pattern: { source: [ORDER_CONFIRMED_SOURCE], detailType: [ORDER_CONFIRMED_DETAIL_TYPE] },
      targets: [{ queue: routed.queue }],
    });
    this.consumers = {
      'low-latency': fanOut('low-latency', 'low-latency', true),
      'high-throughput': fanOut('high-throughput', 'high-throughput', true),
      'no-idempotency': fanOut('no-idempotency', 'low-latency', false),
      eventbridge: consumer('eventbridge', routed, 'low-latency', true),
    };

    new CfnOutput(this, 'TopicArn', { value: topic.topic.topicArn });
    new CfnOutput(this, 'BusName', { value: router.bus.eventBusName });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }
}

/**
 * The benchmark stack when the app's context asks for it (`npm run bench` does); else none.
 * With `keys`, it gets a key of its own, made only when the stack is.
 */
export function benchStackFromContext(
  app: App,
  props: StackProps = {},
  keys?: DataKeysStack,
): BenchStack | undefined {
  if (!contextFlag(app, BENCH_CONTEXT_KEY)) return undefined;
  return new BenchStack(app, BENCH_STACK_ID, {
    description: 'Order fulfilment reference: benchmark-only consumers (npm run bench); not for production.',
    encryptionKey: keys?.keyFor(BENCH_STACK_ID),
    ...props,
  });
}

const pascal = (s: string) => s.split('-').map(capitalise).join('');
