import { batching, idleReceives } from '../billing.js';
import type { QueueUsage } from '../model.js';
import { PRICES } from '../prices.js';
import { durationOf, type FunctionLoad, type Ledger } from './ledger.js';

/**
 * SQS: sends by EventBridge and SNS, receives and deletes by the Lambda pollers in batches,
 * and the empty long polls of idle pollers; records the consumers' load on the way.
 */
export function priceSqs(
  ledger: Ledger,
  queueIn: ReadonlyMap<string, number>,
  load: FunctionLoad,
): QueueUsage[] {
  const { structure, a, chunks } = ledger;
  const queues: QueueUsage[] = [];
  const sqs = { sends: { units: 0, usd: 0 }, polls: { units: 0, usd: 0 }, idle: { units: 0, usd: 0 } };
  const count = (c: { units: number; usd: number }, units: number, price: number) => {
    c.units += units;
    c.usd += units * price;
  };
  for (const queue of structure.queues) {
    const messages = queueIn.get(queue.name) ?? 0;
    const price = queue.fifo ? PRICES.sqsFifoRequest.usd : PRICES.sqsStandardRequest.usd;
    const mapping = structure.mappings.find((m) => m.queue === queue.name);
    count(sqs.sends, messages * chunks, price);
    if (!mapping) {
      if (messages > 0) queues.push({ name: queue.name, fifo: queue.fifo, messages });
      continue;
    }
    const fn = structure.functions.find((f) => f.name === mapping.function);
    if (!fn) throw new Error(`event source mapping of ${queue.name} names no function of the app.`);
    const b = batching({
      messages,
      batchSize: mapping.batchSize,
      windowSeconds: mapping.batchingWindowSeconds,
      unbatchedGatherSeconds: a.unbatchedGatherSeconds,
    });
    count(sqs.polls, (b.receives + b.deletes) * chunks, price);
    count(sqs.idle, idleReceives(a.pollersPerMapping, a.longPollSeconds, b.receives), price);
    const d = durationOf(structure.functions, fn.name, a);
    load.use(fn.name, b.invocations, messages, d.perInvocationMs + d.perRecordMs * b.perInvocation);
    queues.push({
      name: queue.name,
      fifo: queue.fifo,
      messages,
      consumer: fn.name,
      perInvocation: b.perInvocation,
    });
  }
  const items = [
    ['sends (by EventBridge and SNS)', sqs.sends],
    ['receives and deletes (Lambda pollers)', sqs.polls],
    ['empty long polls of idle pollers', sqs.idle],
  ] as const;
  for (const [item, c] of items)
    ledger.add({ service: 'SQS', item, units: c.units, unit: 'requests', usd: c.usd });
  return queues;
}
