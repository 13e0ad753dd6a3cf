import { shortName } from '../../shared/resource-names.js';
import { PRICES } from '../prices.js';
import type { BusTraffic } from './eventbridge.js';
import { addTo, gb, type Ledger, sum, typeShare } from './ledger.js';

export interface TopicTraffic {
  /** Messages each queue receives, from the rules and the subscriptions. */
  readonly queueIn: Map<string, number>;
  /** Rule target invocations, with the deliveries of topics replaced by bus rules. */
  readonly targetInvocations: number;
  readonly snsPublishes: number;
  readonly snsFifoPublishes: number;
  /** KMS requests of publishes to encrypted topics. */
  readonly kmsRequests: number;
}

/**
 * SNS: publishes are billed (standard per 64 KB chunk; FIFO per publish, payload and
 * delivery), deliveries to SQS are free on standard topics.
 */
export function priceSns(ledger: Ledger, bus: BusTraffic): TopicTraffic {
  const { structure, a, chunks, busFanOut } = ledger;
  const queueIn = new Map(bus.queueIn);
  let targetInvocations = bus.targetInvocations;
  let snsPublishes = 0;
  let snsFifoPublishes = 0;
  let kmsRequests = 0;
  for (const topic of structure.topics) {
    const byType = bus.topicIn.get(topic.name);
    if (!byType) continue;
    const published = sum(byType.values());
    let delivered = 0;
    for (const sub of topic.subscriptions) {
      const share = (type: string) =>
        typeShare(sub.filter, type, a.subscriptionShares, shortName(sub.queue), 'subscription of');
      const n = sum([...byType].map(([type, count]) => count * share(type)));
      addTo(queueIn, sub.queue, n);
      delivered += n;
      if (busFanOut.has(topic.name)) targetInvocations += n;
    }
    if (busFanOut.has(topic.name)) continue;
    if (topic.fifo) snsFifoPublishes += published;
    else snsPublishes += published * chunks;
    if (topic.fifo && published > 0) {
      ledger.add({
        service: 'SNS',
        item: `FIFO publishes and deliveries (${shortName(topic.name)})`,
        units: published,
        unit: 'publishes',
        usd:
          published * PRICES.snsFifoPublish.usd +
          gb(published * a.eventBytes) * PRICES.snsFifoPublishPayload.usd +
          delivered * PRICES.snsFifoDelivery.usd +
          gb(delivered * a.eventBytes) * PRICES.snsFifoDeliveryPayload.usd,
      });
    }
    if (topic.encrypted) kmsRequests += published * a.kmsRequestsPerEncryptedPublish;
  }
  if (snsPublishes > 0)
    ledger.add({
      service: 'SNS',
      item: 'publishes (standard topics; deliveries to SQS are free)',
      units: snsPublishes,
      unit: 'requests',
      usd: snsPublishes * PRICES.snsPublish.usd,
    });
  return { queueIn, targetInvocations, snsPublishes, snsFifoPublishes, kmsRequests };
}
