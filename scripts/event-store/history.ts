import type { OrderDomainEvent } from '../../contracts/domain/order-events.js';
import { outboxDetailTypes } from '../../contracts/domain/outbox.js';
import { idSchema } from '../../contracts/events/envelope.js';
import type { StoredEvent } from '../../lambdas/shared/event-store.js';
import { textTable } from '../shared/table.js';
import { UsageError } from '../shared/usage.js';

export const HISTORY_USAGE = `Usage: npm run order:history -- <orderId>

Prints an order's events from the fulfilment service's event store, oldest first: version,
time, type, what it records, and the integration events its outbox wrote. Reads the deployed
app on the local emulator (or AWS_ENDPOINT_URL).`;

/** The order id from the command line, or a usage error. */
export function parseHistoryArgs(argv: readonly string[]): { help: true } | { help: false; orderId: string } {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true };
  const unknown = argv.find((a) => a.startsWith('-'));
  if (unknown) throw new UsageError(`unknown option '${unknown}'.`);
  if (argv.length !== 1)
    throw new UsageError(argv.length === 0 ? 'give the order id.' : 'give one order id.');
  const orderId = argv[0] ?? '';
  const valid = idSchema('orderId').safeParse(orderId);
  if (!valid.success)
    throw new UsageError(`'${orderId}' is not an order id: ${valid.error.issues[0]?.message}.`);
  return { help: false, orderId };
}

/** What an event records, in a few words. */
function detailOf(event: OrderDomainEvent): string {
  switch (event.type) {
    case 'OrderPlaced':
      return `${event.data.order.items.length} line(s), ${event.data.order.total} ${event.data.order.currency}, ${event.data.order.channel}`;
    case 'StockReserved':
      return event.data.lines.map((l) => `${l.quantity}× ${l.sku}`).join(', ');
    case 'PaymentAuthorized':
      return `${event.data.amount} ${event.data.currency}`;
    case 'ShipmentCreated':
      return `to ${event.data.country}`;
    case 'StockRefused':
    case 'PaymentDeclined':
    case 'ShipmentRefused':
      return event.data.reason;
    case 'OrderCancelled':
      return `${event.data.reason} at ${event.data.step}`;
    default:
      return '';
  }
}

/** The history as an aligned table. */
export function formatHistory(orderId: string, events: readonly StoredEvent<OrderDomainEvent>[]): string {
  const rows = events.map((e) => [
    String(e.version),
    e.occurredAt,
    e.event.type,
    detailOf(e.event),
    outboxDetailTypes(e.outbox).join(', '),
  ]);
  return `Order ${orderId}: ${events.length} event(s)\n${textTable(rows, {
    header: ['VERSION', 'TIME', 'EVENT', 'WHAT', 'OUTBOX'],
    indent: '  ',
  })}`;
}
