import { addOnce } from '../shared/add-once.js';
import { ledgerKeys } from '../shared/ledger.js';
import type { Sale, SalesWindows } from './sales.js';

/**
 * A minute's totals are a sum, which a repeat would inflate: each sale is added together with
 * a marker for its order, so a repeat that got past the idempotency layer counts nothing.
 * Totals are kept in cents (whole numbers add exactly).
 */
export class DynamoDbSalesWindows implements SalesWindows {
  constructor(private readonly tableName: string) {}

  add(sale: Sale): Promise<'added' | 'already counted'> {
    return addOnce({
      tableName: this.tableName,
      marker: { pk: ledgerKeys.order(sale.orderId), sk: ledgerKeys.sale, minute: sale.minute },
      total: {
        key: { pk: ledgerKeys.salesMinute(sale.minute), sk: sale.currency },
        add: 'ADD orders :one, #total :cents',
        names: { '#total': 'total' },
        values: { ':one': 1, ':cents': Math.round(sale.total * 100) },
      },
    });
  }
}
