import { describe, expect, it, vi } from 'vitest';
import { orderCancelled, orderConfirmed } from '../../../contracts/samples.js';
import {
  composeEmail,
  type Email,
  type Mailer,
  notifyCustomer,
} from '../../../lambdas/email-notifier/compose-email.js';

describe('composeEmail for an OrderConfirmed', () => {
  const event = orderConfirmed({
    orderId: 'ord-7c1e9a42',
    customerEmail: 'ada@example.com',
    total: 1249.9,
    currency: 'EUR',
  });

  it('is addressed to the customer', () => {
    expect(composeEmail(event).to).toBe('ada@example.com');
  });

  it('says in the subject that the order is confirmed', () => {
    expect(composeEmail(event).subject).toBe('Your order ord-7c1e9a42 is confirmed');
  });

  it('states the total with two decimals and the currency', () => {
    expect(composeEmail(event).text).toContain('1249.90 EUR');
  });

  it('uses the event’s idempotency key as the reference', () => {
    expect(composeEmail(event).reference).toBe(event.detail.metadata.idempotencyKey);
  });
});

describe('composeEmail for an OrderCancelled', () => {
  const event = orderCancelled({
    orderId: 'ord-3f8b21d0',
    customerEmail: 'grace@example.org',
    reason: 'SHIPPING_UNAVAILABLE',
  });

  it('is addressed to the customer', () => {
    expect(composeEmail(event).to).toBe('grace@example.org');
  });

  it('says in the subject that the order was cancelled', () => {
    expect(composeEmail(event).subject).toBe('Your order ord-3f8b21d0 was cancelled');
  });

  it('gives the reason in plain words', () => {
    expect(composeEmail(event).text).toContain('(shipping unavailable)');
  });

  it('tells the customer they were not charged', () => {
    expect(composeEmail(event).text).toContain('You have not been charged.');
  });

  it('uses the event’s idempotency key as the reference', () => {
    expect(composeEmail(event).reference).toBe(event.detail.metadata.idempotencyKey);
  });

  it('differs from the confirmation for the same order', () => {
    const confirmed = orderConfirmed({ orderId: 'ord-3f8b21d0' });
    expect(composeEmail(event).subject).not.toBe(composeEmail(confirmed).subject);
  });
});

describe('notifyCustomer', () => {
  const recordingMailer = () => {
    const send = vi.fn(async (_orderId: string, _email: Email) => ({ messageId: 'msg-1' }));
    const mailer: Mailer = { send };
    return { mailer, send };
  };

  it('sends the composed email under the order’s id', async () => {
    const { mailer, send } = recordingMailer();
    const event = orderConfirmed({ orderId: 'ord-42' });

    await notifyCustomer(event, mailer);

    expect(send).toHaveBeenCalledExactlyOnceWith('ord-42', composeEmail(event));
  });

  it('returns what the mailer returned', async () => {
    const { mailer } = recordingMailer();
    expect(await notifyCustomer(orderCancelled(), mailer)).toEqual({ messageId: 'msg-1' });
  });

  it('fails when the mailer fails, so the record is retried', async () => {
    const mailer: Mailer = { send: async () => Promise.reject(new Error('provider down')) };
    await expect(notifyCustomer(orderConfirmed(), mailer)).rejects.toThrow('provider down');
  });
});
