import type { OrderOutcome } from '../../contracts/events/order-outcome.js';

export interface Email {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** The business fact this email reports; a provider de-duplicates on it. */
  readonly reference: string;
}

/** Port: whatever actually sends mail. */
export interface Mailer {
  send(orderId: string, email: Email): Promise<{ messageId: string }>;
}

const money = (amount: number, currency: string) => `${amount.toFixed(2)} ${currency}`;

/** The customer email for an order outcome. */
export function composeEmail(event: OrderOutcome): Email {
  const { data, metadata } = event.detail;
  if (event['detail-type'] === 'OrderConfirmed') {
    return {
      to: data.customerEmail,
      subject: `Your order ${data.orderId} is confirmed`,
      text: `We have your order of ${money(data.total, data.currency)} and are preparing it for shipping.`,
      reference: metadata.idempotencyKey,
    };
  }
  return {
    to: data.customerEmail,
    subject: `Your order ${data.orderId} was cancelled`,
    text: `We could not complete your order (${event.detail.data.reason.toLowerCase().replaceAll('_', ' ')}). You have not been charged.`,
    reference: metadata.idempotencyKey,
  };
}

/** Send the email for an order outcome. */
export async function notifyCustomer(event: OrderOutcome, mailer: Mailer): Promise<{ messageId: string }> {
  return mailer.send(event.detail.data.orderId, composeEmail(event));
}
