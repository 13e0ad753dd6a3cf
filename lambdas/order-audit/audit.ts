import type { OrderLogEvent } from '../../contracts/domain/order-log.js';

/** One line of an order's audit trail: what happened, when, and where it sits in the log. */
export interface AuditEntry {
  readonly orderId: string;
  readonly eventId: string;
  readonly detailType: OrderLogEvent['detail-type'];
  readonly occurredAt: string;
  /** The status it moved to, the outcome's reason or total: the line a reader scans for. */
  readonly summary: string;
  readonly partition: number;
  readonly offset: number;
}

/** Port: the audit trail, one entry per event however often the log delivers it. */
export interface AuditTrail {
  append(entry: AuditEntry): Promise<void>;
}

export function summarise(event: OrderLogEvent): string {
  switch (event['detail-type']) {
    case 'OrderStatusChanged':
      return `status ${event.detail.data.status} (#${event.detail.data.sequence})`;
    case 'OrderConfirmed':
      return `confirmed: ${event.detail.data.total} ${event.detail.data.currency}, ${event.detail.data.itemCount} items`;
    case 'OrderCancelled':
      return `cancelled: ${event.detail.data.reason}`;
  }
}

export async function recordAudit(
  event: OrderLogEvent,
  position: { partition: number; offset: number },
  trail: AuditTrail,
): Promise<AuditEntry> {
  const entry: AuditEntry = {
    orderId: event.detail.data.orderId,
    eventId: event.detail.metadata.eventId,
    detailType: event['detail-type'],
    occurredAt: event.detail.metadata.occurredAt,
    summary: summarise(event),
    partition: position.partition,
    offset: position.offset,
  };
  await trail.append(entry);
  return entry;
}
