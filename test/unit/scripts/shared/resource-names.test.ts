import { describe, expect, it } from 'vitest';
import {
  kebabCase,
  qualifiedName,
  resourceName,
  shortName,
  stackShortName,
} from '../../../../scripts/shared/resource-names.js';

describe('resource names', () => {
  it('drops the generic tail of a construct path', () => {
    expect(resourceName('OrderNotifications/EmailNotifier/Function/Resource')).toBe(
      'OrderNotifications/EmailNotifier',
    );
    expect(resourceName('OrderEvents/Orders/FraudReview/Rule/Resource')).toBe(
      'OrderEvents/Orders/FraudReview',
    );
    expect(resourceName('Stack/Queue/Resource')).toBe('Stack/Queue');
  });

  it("drops a construct's Default child, as a NodeFunction's function is", () => {
    expect(resourceName('OrderFulfilment/ReserveStock/Default/Resource')).toBe(
      'OrderFulfilment/ReserveStock',
    );
  });

  it('takes the last segment as the short name', () => {
    expect(shortName('OrderEvents/Orders/FraudReview')).toBe('FraudReview');
    expect(shortName('EmailNotifier')).toBe('EmailNotifier');
  });

  it('gives every queue of the app a qualified name: stack and queue, without "Queue"', () => {
    expect(
      [
        'OrderEvents/AnalyticsQueue',
        'OrderNotifications/AnalyticsQueue',
        'OrderNotifications/StatusQueue',
        'OrderNotifications/OrderStatusStream',
        'OrderEvents/FraudReviewQueue',
        'OrderEvents/Orders',
        'OrderFulfilment/SagaIntakeRoute',
      ].map(qualifiedName),
    ).toEqual([
      'events/analytics',
      'notifications/analytics',
      'notifications/status',
      'notifications/order-status-stream',
      'events/fraud-review',
      'events/orders',
      'fulfilment/saga-intake-route',
    ]);
  });

  it('kebab-cases ids, acronyms included, and shortens the app stacks', () => {
    expect(['GiftWrapQueue', 'SQSBridge', 'Dlq2Replay', 'already-kebab'].map(kebabCase)).toEqual([
      'gift-wrap-queue',
      'sqs-bridge',
      'dlq2-replay',
      'already-kebab',
    ]);
    expect(['OrderEvents', 'OrderNotifications', 'Ordering', 'Billing'].map(stackShortName)).toEqual([
      'events',
      'notifications',
      'ordering',
      'billing',
    ]);
  });
});
