import { describe, expect, it } from 'vitest';
import { orderCancelled, orderConfirmed, orderStatusChanged } from '../../../contracts/samples.js';
import {
  type AuditEntry,
  type AuditTrail,
  recordAudit,
  summarise,
} from '../../../lambdas/order-audit/audit.js';

/** An audit trail that keeps what it was given. */
class RecordingTrail implements AuditTrail {
  readonly entries: AuditEntry[] = [];
  async append(entry: AuditEntry): Promise<void> {
    this.entries.push(entry);
  }
}

describe('summarise', () => {
  it('gives a status change its status and sequence', () => {
    // GIVEN an order that shipped, as its third status
    // WHEN it is summarised THEN the line says so
    expect(summarise(orderStatusChanged('ord-1', 'SHIPPED', 3))).toBe('status SHIPPED (#3)');
  });

  it('gives a confirmation its total, currency and item count', () => {
    // GIVEN a confirmed order of 3 items for 99.5 EUR
    const event = orderConfirmed({ total: 99.5, currency: 'EUR', itemCount: 3 });

    // WHEN it is summarised THEN the line has all three
    expect(summarise(event)).toBe('confirmed: 99.5 EUR, 3 items');
  });

  it('gives a cancellation its reason', () => {
    // GIVEN an order cancelled for lack of stock
    const event = orderCancelled({ reason: 'OUT_OF_STOCK' });

    // WHEN it is summarised THEN the line has the reason
    expect(summarise(event)).toBe('cancelled: OUT_OF_STOCK');
  });
});

describe('recordAudit', () => {
  it('appends one entry naming the event and where it sits in the log', async () => {
    // GIVEN a cancellation read at partition 4, offset 1207
    const event = orderCancelled({ orderId: 'ord-audit-1', reason: 'PAYMENT_DECLINED' });
    const trail = new RecordingTrail();

    // WHEN it is recorded
    await recordAudit(event, { partition: 4, offset: 1207 }, trail);

    // THEN the trail has exactly one entry, with the event's ids and time and the record's position
    expect(trail.entries).toEqual([
      {
        orderId: 'ord-audit-1',
        eventId: event.detail.metadata.eventId,
        detailType: 'OrderCancelled',
        occurredAt: event.detail.metadata.occurredAt,
        summary: 'cancelled: PAYMENT_DECLINED',
        partition: 4,
        offset: 1207,
      },
    ]);
  });

  it('returns the entry it appended', async () => {
    // GIVEN a status change
    const trail = new RecordingTrail();

    // WHEN it is recorded
    const entry = await recordAudit(
      orderStatusChanged('ord-audit-2', 'PLACED', 1),
      { partition: 0, offset: 0 },
      trail,
    );

    // THEN the caller gets the same entry the trail got
    expect(entry).toEqual(trail.entries[0]);
  });
});
