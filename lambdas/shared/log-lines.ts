/**
 * The messages of the lines that say what became of a record: the consumers and the outbox
 * relay write them, and `npm run trace` finds a record's hops by them (scripts/trace/hops.ts).
 */
export const LOG_LINES = {
  handled: 'Record handled',
  retried: 'Record failed; it will be retried',
  batchRetried: 'Record failed; the batch will be retried',
  rejected: 'Record rejected: it can never succeed',
  relaying: 'Relaying outbox',
  relayDeadLettered: 'Outbox record cannot be relayed; dead-lettered',
} as const;
