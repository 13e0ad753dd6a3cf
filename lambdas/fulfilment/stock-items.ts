/**
 * The fulfilment service table (pk / sk) keeps what is not a fact of one order: the stock
 * every order draws on, the simulated provider's attempt counter and the payment token vault.
 * The order's own facts are its events in the event store.
 *   SKU#<sku>     STOCK              available, reserved
 *   ORDER#<id>    PAYMENT_ATTEMPTS   attempts
 *   PAYMENT_TOKEN#<ref>  TOKEN       the payment token a reference redeems (payment-token-vault.ts)
 */
export const fulfilmentKeys = {
  stock: (sku: string) => ({ pk: `SKU#${sku}`, sk: 'STOCK' }),
  order: (orderId: string, sk: 'PAYMENT_ATTEMPTS') => ({
    pk: `ORDER#${orderId}`,
    sk,
  }),
};

/** The transaction item that takes a line's units from its SKU's stock, if enough are available. */
export const takeStock = (tableName: string, line: { sku: string; quantity: number; initial: number }) => ({
  Update: {
    TableName: tableName,
    Key: fulfilmentKeys.stock(line.sku),
    UpdateExpression: 'SET available = if_not_exists(available, :initial) - :q ADD reserved :q',
    // A SKU seen for the first time starts with its initial stock.
    ConditionExpression:
      line.initial >= line.quantity
        ? 'attribute_not_exists(available) OR available >= :q'
        : 'available >= :q',
    ExpressionAttributeValues: { ':initial': line.initial, ':q': line.quantity },
  },
});

/** The transaction item that puts a line's reserved units back. */
export const giveBackStock = (tableName: string, line: { sku: string; quantity: number }) => ({
  Update: {
    TableName: tableName,
    Key: fulfilmentKeys.stock(line.sku),
    UpdateExpression: 'ADD available :q, reserved :minus',
    ExpressionAttributeValues: { ':q': line.quantity, ':minus': -line.quantity },
  },
});
