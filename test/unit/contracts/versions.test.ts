import { describe, expect, it } from 'vitest';
import { EVENT_CATALOG } from '../../../contracts/events/catalog.js';
import { OrderOutcomeSchema } from '../../../contracts/events/order-outcome.js';
import { orderConfirmed } from '../../../contracts/samples.js';

describe('event versions', () => {
  it.each(EVENT_CATALOG.map((c) => [c.detailType, c]))(
    '%s rejects an eventVersion it was not built for',
    (_, contract) => {
      const event = {
        source: contract.source,
        'detail-type': contract.detailType,
        detail: { metadata: { eventVersion: String(Number(contract.version) + 1) }, data: {} },
      };
      const result = contract.event.safeParse(event);
      expect(result.success).toBe(false);
      const issue = result.error?.issues.find((i) => i.path.join('.') === 'detail.metadata.eventVersion');
      expect(issue?.message).toMatch(/unknown eventVersion; this consumer reads version \d+/);
    },
  );

  it('an order outcome of a future version is refused with the reason, not half-read', () => {
    const event = orderConfirmed();
    event.detail.metadata.eventVersion = '2';
    const result = OrderOutcomeSchema.safeParse(event);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join()).toMatch(/unknown eventVersion/);
  });

  it('an unknown detail-type is refused by the outcome consumers', () => {
    const event = { ...orderConfirmed(), 'detail-type': 'OrderRefunded' };
    const result = OrderOutcomeSchema.safeParse(event);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['detail-type']);
  });
});
