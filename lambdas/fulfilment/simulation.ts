/**
 * The reference app has no warehouse, payment provider or carrier: the adapters simulate them,
 * and the order's own data decides how they behave, so every saga path can be driven end to
 * end with real events and no mocks.
 *
 * | data                                | behaviour                                                  |
 * |-------------------------------------|------------------------------------------------------------|
 * | SKU `SOLDOUT-…`                     | no stock: ReserveStock → OUT_OF_STOCK                      |
 * | SKU `STOCK<n>-…`                    | starts with n units (contention tests); others with 1,000  |
 * | paymentToken `tok_declined`         | AuthorizePayment → PAYMENT_DECLINED                        |
 * | paymentToken `tok_flaky`            | AuthorizePayment times out twice, then succeeds (retried)  |
 * | shippingAddress.country `AQ`        | CreateShipment → SHIPPING_UNAVAILABLE                      |
 * | customerId `cust-unavailable`       | ConfirmOrder fails every time: a technical fault           |
 */
export const DEFAULT_STOCK = 1000;
/** SKUs that start with this have no stock. */
export const SOLD_OUT_SKU_PREFIX = 'SOLDOUT-';
export const FLAKY_FAILURES = 2;
export const PAYMENT_TOKENS = { declined: 'tok_declined', flaky: 'tok_flaky', default: 'tok_visa' } as const;
export const UNSHIPPABLE_COUNTRY = 'AQ';
export const UNAVAILABLE_CUSTOMER = 'cust-unavailable';

/** Units a SKU starts with. */
export function initialStock(sku: string): number {
  if (sku.startsWith(SOLD_OUT_SKU_PREFIX)) return 0;
  const limited = /^STOCK(\d+)-/.exec(sku);
  return limited ? Number(limited[1]) : DEFAULT_STOCK;
}
