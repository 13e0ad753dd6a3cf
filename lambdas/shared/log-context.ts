import { logger } from './powertools.js';

/** The keys that let one order be followed through every log line it causes. */
export type CorrelationKey = 'correlationId' | 'eventId' | 'idempotencyKey' | 'orderId';

const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);
const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;

/**
 * The correlation keys of an event or a saga state, where it has them: `metadata` from the
 * envelope (`detail.metadata`, or the saga's `metadata`), and the order id from `detail.data`
 * or the saga's `order`. A key it lacks is left out rather than logged empty.
 */
export function correlationKeys(value: unknown): Partial<Record<CorrelationKey, string>> {
  const detail = field(value, 'detail');
  const metadata = field(detail, 'metadata') ?? field(value, 'metadata');
  const orderId =
    text(field(field(detail, 'data'), 'orderId')) ?? text(field(field(value, 'order'), 'orderId'));
  const keys: Partial<Record<CorrelationKey, string>> = {
    correlationId: text(field(metadata, 'correlationId')),
    eventId: text(field(metadata, 'eventId')),
    idempotencyKey: text(field(metadata, 'idempotencyKey')),
    orderId,
  };
  return Object.fromEntries(Object.entries(keys).filter(([, v]) => v !== undefined));
}

/**
 * Runs `work` with the correlation keys of `value` on every log line it writes, and takes them
 * off again afterwards, so that the next record of the batch does not inherit them.
 */
export async function withCorrelation<T>(value: unknown, work: () => Promise<T>): Promise<T> {
  const keys = correlationKeys(value);
  logger.appendKeys(keys);
  try {
    return await work();
  } finally {
    logger.removeKeys(Object.keys(keys));
  }
}
