/** The `source` of events produced by the order fulfilment service. */
export const ORDERS_SOURCE = 'com.example.orders';
