import { describe, expect, it, vi } from 'vitest';
import { LedgerMailer } from '../../../lambdas/email-notifier/ledger-mailer.js';
import { dynamoClient } from '../../../lambdas/shared/clients.js';
import { TransientError } from '../../../lambdas/shared/errors.js';

// No AWS: the client is replaced by a mock that proves it was never reached.
vi.mock('../../../lambdas/shared/clients.js', () => ({
  dynamoClient: vi.fn(() => {
    throw new Error('the ledger table must not be touched');
  }),
}));

const email = (to: string) => ({
  to,
  subject: 'Your order ord-1 is confirmed',
  text: 'We have your order of 120.00 EUR and are preparing it for shipping.',
  reference: 'ord-1:confirmed',
});

describe('LedgerMailer with a recipient under the reserved .invalid domain', () => {
  it('throws a TransientError, like a provider outage', async () => {
    const mailer = new LedgerMailer('LedgerTable');
    await expect(mailer.send('ord-1', email('ada@outage.invalid'))).rejects.toBeInstanceOf(TransientError);
  });

  it('names the recipient in the error', async () => {
    const mailer = new LedgerMailer('LedgerTable');
    await expect(mailer.send('ord-1', email('ada@outage.invalid'))).rejects.toThrow('ada@outage.invalid');
  });

  it('fails before any I/O', async () => {
    const mailer = new LedgerMailer('LedgerTable');
    await mailer.send('ord-1', email('ada@outage.invalid')).catch(() => undefined);
    expect(dynamoClient).not.toHaveBeenCalled();
  });
});
