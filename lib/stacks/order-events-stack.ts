import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { EVENT_CATALOG } from '../../contracts/events/catalog.js';
import { toJsonSchema } from '../../contracts/events/json-schema.js';
import { ORDERS_SOURCE } from '../../contracts/events/sources.js';
import { FRAUD_REVIEW_FIELDS } from '../../contracts/route-events.js';
import { EventRouter, EventSchemaRegistry } from '../patterns/event-router/index.js';
import type { IdempotencyTable } from '../patterns/idempotency-table/index.js';
import { OpsView } from '../patterns/ops-view/index.js';
import { QueueConsumer } from '../patterns/queue-consumer/index.js';
import { ReliableQueue } from '../patterns/reliable-queue/index.js';
import { serviceTable } from '../shared/tables.js';
import { appFunctionProps, lambdaEntry } from './app-functions.js';
import { acknowledgeDataKeyGrants, type DataEncryptionProps } from './data-keys-stack.js';
import { ORDER_ROUTES } from './order-routes.js';
import { outputKey } from './output-keys.js';
import { appIdempotencyTable } from './stores.js';

export interface OrderEventsStackProps extends StackProps, DataEncryptionProps {
  /**
   * How long archived events stay replayable.
   * @default Duration.days(30)
   */
  readonly archiveRetention?: Duration;
}

/** Route names whose target is a work queue owned by this stack. */
export const ROUTE_QUEUES = ['fraudReview', 'partner', 'giftWrap', 'promotions', 'analytics'] as const;
export type RouteQueueName = (typeof ROUTE_QUEUES)[number];

/**
 * The consumer of each route queue: its construct id; its handler is the export of
 * lambdas/route-consumers/handler.ts named like the route.
 */
export const ROUTE_CONSUMERS: Record<RouteQueueName, string> = {
  fraudReview: 'FraudCaseOpener',
  partner: 'PartnerForwarder',
  giftWrap: 'GiftWrapMarker',
  promotions: 'CouponRecorder',
  analytics: 'BusAnalyticsRecorder',
};

/**
 * The `orders` event bus: archive for replay, and the content-based routes of the order
 * domain to work queues, each read by a small idempotent consumer that leaves its effect in
 * the route effects table (a review case, a partner forward, a gift-wrap mark, a coupon use,
 * an analytics fact). Consumers in other stacks own their routes on `bus` (the saga's intake,
 * the notifications fan-out).
 */
export class OrderEventsStack extends Stack {
  public readonly router: EventRouter;
  public readonly bus: events.IEventBus;
  public readonly queues: Record<RouteQueueName, ReliableQueue>;
  public readonly consumers: Record<RouteQueueName, QueueConsumer>;
  /** The route consumers' effects (layout in lambdas/route-consumers/effect-keys.ts). */
  public readonly effects: dynamodb.Table;
  public readonly idempotency: IdempotencyTable;

  constructor(scope: Construct, id: string, props: OrderEventsStackProps = {}) {
    super(scope, id, props);
    this.router = new EventRouter(this, 'Orders', {
      archive: { retention: props.archiveRetention ?? Duration.days(30) },
      // Every event contract of the domain has this source; anything else is refused.
      allowedSources: [ORDERS_SOURCE],
    });
    this.bus = this.router.bus;

    // Each queue has a consumer, so the default age alarm (5 minutes) means it fell behind.
    // A consumer does a few DynamoDB writes: 5 s is ample, and the 35 s visibility timeout (the
    // 6x QueueConsumer requires) brings a timed-out batch back sooner than the default 90 s.
    const consumerTimeout = Duration.seconds(5);
    const queue = (name: string) =>
      new ReliableQueue(this, name, { maxReceiveCount: 5, visibilityTimeout: Duration.seconds(35) });
    this.queues = {
      fraudReview: queue('FraudReviewQueue'),
      partner: queue('PartnerQueue'),
      giftWrap: queue('GiftWrapQueue'),
      promotions: queue('PromotionsQueue'),
      analytics: queue('AnalyticsQueue'),
    };

    // Reviewers need the order's risk, not the customer's e-mail, items or address: an input
    // transformer slims `data`. It keeps the envelope (source, detail-type, metadata), so the
    // consumer parses a contract derived from OrderPlaced and de-duplicates on its idempotency key.
    const field = (path: string) => events.EventField.fromPath(path);
    this.router.addRoute('FraudReview', {
      ...ORDER_ROUTES.fraudReview,
      targets: [
        {
          queue: this.queues.fraudReview.queue,
          input: events.RuleTargetInput.fromObject({
            source: field('$.source'),
            'detail-type': field('$.detail-type'),
            detail: {
              metadata: field('$.detail.metadata'),
              data: Object.fromEntries(
                Object.keys(FRAUD_REVIEW_FIELDS).map((name) => [name, field(`$.detail.data.${name}`)]),
              ),
            },
          }),
        },
      ],
    });
    this.router.addRoute('Partner', {
      ...ORDER_ROUTES.partner,
      targets: [{ queue: this.queues.partner.queue }],
    });
    this.router.addRoute('GiftWrap', {
      ...ORDER_ROUTES.giftWrap,
      targets: [{ queue: this.queues.giftWrap.queue }],
    });
    this.router.addRoute('Promotions', {
      ...ORDER_ROUTES.promotions,
      targets: [{ queue: this.queues.promotions.queue }],
    });
    this.router.addRoute('Analytics', {
      ...ORDER_ROUTES.analytics,
      targets: [{ queue: this.queues.analytics.queue }],
    });

    const { encryptionKey } = props;
    acknowledgeDataKeyGrants(this, encryptionKey);
    this.idempotency = appIdempotencyTable(this, encryptionKey);
    this.effects = serviceTable(this, 'RouteEffects', encryptionKey);
    const consumer = (name: RouteQueueName) => {
      const c = new QueueConsumer(this, ROUTE_CONSUMERS[name], {
        source: this.queues[name],
        entry: lambdaEntry('route-consumers'),
        functionProps: { ...appFunctionProps(encryptionKey), handler: name },
        timeout: consumerTimeout,
        idempotencyTable: this.idempotency.table,
        environment: { ROUTE_EFFECTS_TABLE_NAME: this.effects.tableName },
      });
      // A conditional put is all a consumer does with the table (grant() leaves out the key).
      this.effects.grant(c.function, 'dynamodb:PutItem');
      encryptionKey?.grantEncryptDecrypt(c.function);
      return c;
    };
    this.consumers = Object.fromEntries(ROUTE_QUEUES.map((name) => [name, consumer(name)])) as Record<
      RouteQueueName,
      QueueConsumer
    >;

    // The contracts, browsable on AWS (the local emulator has no schema registry: see
    // docs/emulator-parity.md).
    new EventSchemaRegistry(this, 'Schemas', {
      description: 'Order fulfilment event contracts, generated from contracts/events',
      schemas: EVENT_CATALOG.map((c) => ({
        name: `${c.source}@${c.detailType}.v${c.version}`,
        content: toJsonSchema(c),
        description: `${c.detailType} eventVersion ${c.version}`,
      })),
    });

    // Every alarm of the stack to the ops topic, and a dashboard (read at synthesis).
    const ops = new OpsView(this, 'Operations');
    new CfnOutput(this, 'OpsTopicArn', { value: ops.opsTopic.topicArn });

    new CfnOutput(this, 'BusName', { value: this.router.bus.eventBusName });
    new CfnOutput(this, 'BusArn', { value: this.router.bus.eventBusArn });
    new CfnOutput(this, 'RouterDlqUrl', { value: this.router.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'RouteEffectsTableName', { value: this.effects.tableName });
    new CfnOutput(this, 'IdempotencyTableName', { value: this.idempotency.table.tableName });
    for (const name of ROUTE_QUEUES) {
      new CfnOutput(this, outputKey(name, 'QueueUrl'), { value: this.queues[name].queue.queueUrl });
      new CfnOutput(this, outputKey(name, 'DlqUrl'), { value: this.queues[name].deadLetterQueue.queueUrl });
      new CfnOutput(this, outputKey(name, 'FunctionName'), {
        value: this.consumers[name].function.functionName,
      });
      new CfnOutput(this, outputKey(name, 'LogGroupName'), {
        value: this.consumers[name].function.logGroup.logGroupName,
      });
    }
  }
}
