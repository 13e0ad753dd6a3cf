import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { EVENT_CATALOG } from '../../lambdas/shared/events/catalog.js';
import { toJsonSchema } from '../../lambdas/shared/events/json-schema.js';
import { ORDERS_SOURCE } from '../../lambdas/shared/events/sources.js';
import { EventRouter, EventSchemaRegistry } from '../patterns/event-router/index.js';
import { OpsView } from '../patterns/ops-view/index.js';
import { ReliableQueue } from '../patterns/reliable-queue/index.js';
import { ORDER_ROUTES } from './order-routes.js';

export interface OrderEventsStackProps extends StackProps {
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
 * The `orders` event bus: archive for replay, and the content-based routes of the order
 * domain to other teams' work queues. Consumers in other stacks own their routes on `bus`
 * (the saga's intake, the notifications fan-out).
 */
export class OrderEventsStack extends Stack {
  public readonly router: EventRouter;
  public readonly bus: events.IEventBus;
  public readonly queues: Record<RouteQueueName, ReliableQueue>;

  constructor(scope: Construct, id: string, props: OrderEventsStackProps = {}) {
    super(scope, id, props);
    this.router = new EventRouter(this, 'Orders', {
      archive: { retention: props.archiveRetention ?? Duration.days(30) },
      // Every event contract of the domain has this source; anything else is refused.
      allowedSources: [ORDERS_SOURCE],
    });
    this.bus = this.router.bus;

    // Work queues for other teams; people drain them, so age alarms are relaxed.
    const queue = (name: string) =>
      new ReliableQueue(this, name, { oldestMessageAgeThreshold: Duration.hours(4), maxReceiveCount: 5 });
    this.queues = {
      fraudReview: queue('FraudReviewQueue'),
      partner: queue('PartnerQueue'),
      giftWrap: queue('GiftWrapQueue'),
      promotions: queue('PromotionsQueue'),
      analytics: queue('AnalyticsQueue'),
    };

    // Reviewers need the order, not the whole envelope: an input transformer slims it.
    this.router.addRoute('FraudReview', {
      ...ORDER_ROUTES.fraudReview,
      targets: [
        {
          queue: this.queues.fraudReview.queue,
          input: events.RuleTargetInput.fromObject({
            orderId: events.EventField.fromPath('$.detail.data.orderId'),
            customerId: events.EventField.fromPath('$.detail.data.customerId'),
            customerTier: events.EventField.fromPath('$.detail.data.customerTier'),
            total: events.EventField.fromPath('$.detail.data.total'),
            currency: events.EventField.fromPath('$.detail.data.currency'),
            eventId: events.EventField.fromPath('$.detail.metadata.eventId'),
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

    // The contracts, browsable on AWS (the local emulator has no schema registry: see
    // docs/emulator-parity.md).
    new EventSchemaRegistry(this, 'Schemas', {
      description: 'Order fulfilment event contracts, generated from lambdas/shared/events',
      schemas: EVENT_CATALOG.map((c) => ({
        name: `${c.source}@${c.detailType}.v${c.version}`,
        content: toJsonSchema(c),
        description: `${c.detailType} eventVersion ${c.version}`,
      })),
    });

    // Last, so it sees every queue, function, state machine and alarm of the stack.
    const ops = new OpsView(this, 'Operations');
    new CfnOutput(this, 'OpsTopicArn', { value: ops.opsTopic.topicArn });

    new CfnOutput(this, 'BusName', { value: this.router.bus.eventBusName });
    new CfnOutput(this, 'BusArn', { value: this.router.bus.eventBusArn });
    new CfnOutput(this, 'RouterDlqUrl', { value: this.router.deadLetterQueue.queueUrl });
    for (const name of ROUTE_QUEUES) {
      const capital = name.charAt(0).toUpperCase() + name.slice(1);
      new CfnOutput(this, `${capital}QueueUrl`, { value: this.queues[name].queue.queueUrl });
    }
  }
}
