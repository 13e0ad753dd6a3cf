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
 *
 * The order log's consumers (their own table, same layout):
 *   ORDER#<orderId>   AUDIT#<occurredAt>#<eventId>   a line of the order's audit trail
 *   ORDER#<orderId>   SALE                           the order counted in its minute's sales
 *   SALES#<minute>    <currency>                     orders and total (in cents) of one minute
 */
export const ledgerKeys = {
  order: (orderId: string) => `ORDER#${orderId}`,
  customer: (customerId: string) => `CUSTOMER#${customerId}`,
  email: (id: string) => `EMAIL#${id}`,
  loyaltyAward: (id: string) => `LOYALTY#${id}`,
  loyaltyBalance: 'LOYALTY',
  analytics: (type: string, id: string) => `ANALYTICS#${type}#${id}`,
  status: 'STATUS',
  audit: (occurredAt: string, eventId: string) => `AUDIT#${occurredAt}#${eventId}`,
  sale: 'SALE',
  salesMinute: (minute: string) => `SALES#${minute}`,
} as const;
