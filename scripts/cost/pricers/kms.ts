import { PRICES } from '../prices.js';
import type { Ledger } from './ledger.js';

/** KMS: a monthly fee per customer managed key, and the requests of publishes to encrypted topics. */
export function priceKms(ledger: Ledger, kmsRequests: number): void {
  const { kmsKeys } = ledger.structure.counts;
  ledger.add({
    service: 'KMS',
    item: 'customer managed keys',
    units: kmsKeys,
    unit: 'keys',
    usd: kmsKeys * PRICES.kmsKey.usd,
    fixed: true,
  });
  ledger.add({
    service: 'KMS',
    item: 'requests (encrypted topics)',
    units: kmsRequests,
    unit: 'requests',
    usd: kmsRequests * PRICES.kmsRequest.usd,
  });
}
