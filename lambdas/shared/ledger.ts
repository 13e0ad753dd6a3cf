/**
 * Key layout of the consumers' ledger table (pk/sk): what each consumer did, per order, so
 * that the effect of every event can be observed and counted.
 *
 *   ORDER#<orderId>   EMAIL#<messageId>              an email sent
 *   ORDER#<orderId>   LOYALTY#<awardId>              points awarded for the order
 *   CUSTOMER#<id>     LOYALTY                        the customer's points balance
 *   ORDER#<orderId>   ANALYTICS#<type>#<factId>      an analytics fact
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
