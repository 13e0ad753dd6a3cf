import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ORDER_CANCELLED_DETAIL_TYPE } from '../../contracts/events/order-cancelled.js';
import { ORDER_CONFIRMED_DETAIL_TYPE } from '../../contracts/events/order-confirmed.js';
import { TEST_TRAFFIC_CHANNEL } from '../../contracts/route-events.js';
import { EventRoute } from '../patterns/event-router/index.js';
import { FanOutTopic } from '../patterns/fan-out-topic/index.js';
import type { IdempotencyTable } from '../patterns/idempotency-table/index.js';
import { OpsView } from '../patterns/ops-view/index.js';
import { QueueConsumer, type ThroughputProfile } from '../patterns/queue-consumer/index.js';
import { ReliableQueue } from '../patterns/reliable-queue/index.js';
import { serviceTable } from '../shared/tables.js';
import { appFunctionProps, lambdaEntry } from './app-functions.js';
import { acknowledgeDataKeyGrants, type DataEncryptionProps } from './data-keys-stack.js';
import { ORDER_ROUTES } from './order-routes.js';
import { outputKey } from './output-keys.js';
import { appIdempotencyTable } from './stores.js';

/** Orders at or above this total earn loyalty points (a numeric filter on the body). */
export const LOYALTY_MIN_TOTAL = 100;

export interface OrderNotificationsStackProps extends StackProps, DataEncryptionProps {
  /**
   * Throughput profile of every consumer.
   * @default 'low-latency'
   */
  readonly profile?: ThroughputProfile;
  /**
   * Receives before a message is dead-lettered.
   * @default 3
   */
  readonly maxReceiveCount?: number;
  /**
   * The orders bus; when given, OrderConfirmed / OrderCancelled on it are routed to the
   * fan-out topic (this stack owns the route).
   * @default no route: publish to the topic directly
   */
  readonly bus?: events.IEventBus;
}

/**
 * What happens after an order's outcome is known: an SNS fan-out of OrderConfirmed /
 * OrderCancelled to email, loyalty and analytics consumers (each with its own filter, queue,
 * dead-letter queue and idempotent Lambda), and an ordered FIFO stream of status changes
 * that keeps a per-order status projection.
 */
export class OrderNotificationsStack extends Stack {
  public readonly outcomes: FanOutTopic;
  public readonly statusStream: FanOutTopic;
  public readonly ledger: dynamodb.Table;
  public readonly idempotency: IdempotencyTable;
  public readonly queues: Record<'email' | 'loyalty' | 'analytics' | 'status', ReliableQueue>;
  public readonly consumers: Record<'email' | 'loyalty' | 'analytics' | 'status', QueueConsumer>;

  constructor(scope: Construct, id: string, props: OrderNotificationsStackProps = {}) {
    super(scope, id, props);
    const maxReceiveCount = props.maxReceiveCount ?? 3;
    const profile = props.profile ?? 'low-latency';

    const { encryptionKey } = props;
    acknowledgeDataKeyGrants(this, encryptionKey);
    this.idempotency = appIdempotencyTable(this, encryptionKey);
    // The consumers' own state: emails sent, loyalty balances, analytics facts, status projection.
    this.ledger = serviceTable(this, 'Ledger', encryptionKey);

    this.outcomes = new FanOutTopic(this, 'OrderOutcomes');
    this.statusStream = new FanOutTopic(this, 'OrderStatusStream', { fifo: true });

    // Consumers do a few DynamoDB writes: 5 s is ample. QueueConsumer requires a visibility
    // timeout of 6x that plus the batching window (up to 5 s); short ones retry failures sooner.
    const functionTimeout = Duration.seconds(5);
    const queue = (name: string, fifo = false) =>
      new ReliableQueue(this, name, { fifo, maxReceiveCount, visibilityTimeout: Duration.seconds(35) });
    this.queues = {
      email: queue('EmailQueue'),
      loyalty: queue('LoyaltyQueue'),
      analytics: queue('AnalyticsQueue'),
      status: queue('StatusQueue', true),
    };

    const detailType = (...types: string[]) =>
      sns.FilterOrPolicy.filter(sns.SubscriptionFilter.stringFilter({ allowlist: types }));
    this.outcomes.subscribeQueue(this.queues.email, {
      filterPolicyWithMessageBody: {
        'detail-type': detailType(ORDER_CONFIRMED_DETAIL_TYPE, ORDER_CANCELLED_DETAIL_TYPE),
        detail: sns.FilterOrPolicy.policy({
          data: sns.FilterOrPolicy.policy({
            channel: sns.FilterOrPolicy.filter(
              sns.SubscriptionFilter.stringFilter({ denylist: [TEST_TRAFFIC_CHANNEL] }),
            ),
          }),
        }),
      },
    });
    this.outcomes.subscribeQueue(this.queues.loyalty, {
      filterPolicyWithMessageBody: {
        'detail-type': detailType(ORDER_CONFIRMED_DETAIL_TYPE),
        detail: sns.FilterOrPolicy.policy({
          data: sns.FilterOrPolicy.policy({
            total: sns.FilterOrPolicy.filter(
              sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: LOYALTY_MIN_TOTAL }),
            ),
          }),
        }),
      },
    });
    this.outcomes.subscribeQueue(this.queues.analytics);
    if (props.bus) {
      new EventRoute(this, 'OutcomesRoute', {
        ...ORDER_ROUTES.outcomes,
        bus: props.bus,
        targets: [{ topic: this.outcomes.topic }],
      });
    }
    this.statusStream.subscribeQueue(this.queues.status);

    const consumer = (name: string, source: ReliableQueue, entry: string) => {
      const c = new QueueConsumer(this, name, {
        source,
        entry: lambdaEntry(entry),
        functionProps: appFunctionProps(encryptionKey),
        profile,
        timeout: functionTimeout,
        idempotencyTable: this.idempotency.table,
        environment: { LEDGER_TABLE_NAME: this.ledger.tableName },
      });
      this.ledger.grantReadWriteData(c.function);
      return c;
    };
    this.consumers = {
      email: consumer('EmailNotifier', this.queues.email, 'email-notifier'),
      loyalty: consumer('LoyaltyPoints', this.queues.loyalty, 'loyalty-points'),
      analytics: consumer('AnalyticsRecorder', this.queues.analytics, 'analytics-recorder'),
      status: consumer('OrderStatusProjection', this.queues.status, 'order-status-projection'),
    };

    // Every alarm of the stack to the ops topic, and a dashboard (read at synthesis).
    const ops = new OpsView(this, 'Operations');
    new CfnOutput(this, 'OpsTopicArn', { value: ops.opsTopic.topicArn });

    // Names the scripts and integration tests look resources up by.
    new CfnOutput(this, 'OutcomesTopicArn', { value: this.outcomes.topic.topicArn });
    new CfnOutput(this, 'StatusTopicArn', { value: this.statusStream.topic.topicArn });
    new CfnOutput(this, 'LedgerTableName', { value: this.ledger.tableName });
    new CfnOutput(this, 'IdempotencyTableName', { value: this.idempotency.table.tableName });
    new CfnOutput(this, 'OutcomesDeliveryDlqUrl', { value: this.outcomes.deliveryDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'StatusDeliveryDlqUrl', {
      value: this.statusStream.deliveryDeadLetterQueue.queueUrl,
    });
    for (const [name, q] of Object.entries(this.queues)) {
      new CfnOutput(this, outputKey(name, 'QueueUrl'), { value: q.queue.queueUrl });
      new CfnOutput(this, outputKey(name, 'DlqUrl'), { value: q.deadLetterQueue.queueUrl });
    }
    for (const [name, c] of Object.entries(this.consumers)) {
      new CfnOutput(this, outputKey(name, 'FunctionName'), { value: c.function.functionName });
      new CfnOutput(this, outputKey(name, 'LogGroupName'), { value: c.function.logGroup.logGroupName });
    }
  }
}
