/**
 * Key layout of the consumers' ledger table (pk/sk): what each consumer did, per order, so
 * that the effect of every event can be observed and counted.
 *
 *   ORDER#<orderId>   EMAIL#<reference>              an email sent (reference = idempotency key)
 *   ORDER#<orderId>   LOYALTY#<reference>            points awarded for the order
 *   CUSTOMER#<id>     LOYALTY                        the customer's points balance
 *   ORDER#<orderId>   ANALYTICS#<type>#<eventId>     an analytics fact
 *
 * Effects are keyed by what they are the effect of, so that even a repeat that got past the
 * idempotency layer (an invocation that timed out after its write) cannot count twice.
 *   ORDER#<orderId>   STATUS                         the order status projection
 */
export const ledgerKeys = {
  order: (orderId: string) => `ORDER#${orderId}`,
  customer: (customerId: string) => `CUSTOMER#${customerId}`,
  email: (id: string) => `EMAIL#${id}`,
  loyaltyAward: (id: string) => `LOYALTY#${id}`,
  loyaltyBalance: 'LOYALTY',
  analytics: (type: string, id: string) => `ANALYTICS#${type}#${id}`,
  status: 'STATUS',
} as const;
