import {
  AnalyticsEventSchema,
  CouponOrderSchema,
  FraudReviewEventSchema,
  GiftOrderSchema,
  PartnerOrderSchema,
} from '../../contracts/route-events.js';
import { requireEnv } from '../shared/env.js';
import { createSqsConsumer } from '../shared/sqs-consumer.js';
import { DynamoDbRouteEffects } from './dynamodb-route-effects.js';
import {
  forwardToPartner,
  markGiftWrap,
  openReviewCase,
  recordCouponUse,
  recordOrderFact,
} from './route-effects.js';

// One bundle, one exported handler per bus route queue (each function's `handler` names its
// export, which is the route's name in lib/stacks/order-events-stack.ts).
const effects = new DynamoDbRouteEffects(requireEnv('ROUTE_EFFECTS_TABLE_NAME'));

export const fraudReview = createSqsConsumer({
  schema: FraudReviewEventSchema,
  handle: (event) => openReviewCase(event, effects),
});
export const partner = createSqsConsumer({
  schema: PartnerOrderSchema,
  handle: (event) => forwardToPartner(event, effects),
});
export const giftWrap = createSqsConsumer({
  schema: GiftOrderSchema,
  handle: (event) => markGiftWrap(event, effects),
});
export const promotions = createSqsConsumer({
  schema: CouponOrderSchema,
  handle: (event) => recordCouponUse(event, effects),
});
export const analytics = createSqsConsumer({
  schema: AnalyticsEventSchema,
  handle: (event) => recordOrderFact(event, effects),
});
