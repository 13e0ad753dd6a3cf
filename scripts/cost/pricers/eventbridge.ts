import { shortName } from '../../shared/resource-names.js';
import type { RuleInfo } from '../app-structure.js';
import type { Assumptions } from '../assumptions.js';
import { PRICES } from '../prices.js';
import { addTo, gb, type Ledger, sum, typeShare } from './ledger.js';

/** The events on the bus, per order. */
export const BUS_EVENTS = ['OrderPlaced', 'OrderConfirmed', 'OrderCancelled'] as const;

export interface BusTraffic {
  /** Events a month, per detail type. */
  readonly perType: Readonly<Record<string, number>>;
  readonly busEvents: number;
  /** Messages each queue target receives from the rules. */
  readonly queueIn: Map<string, number>;
  /** Messages each topic receives, per detail type (from rules, or published directly). */
  readonly topicIn: Map<string, Map<string, number>>;
  /** Rule target invocations (what the quota on invocations per second is about). */
  readonly targetInvocations: number;
}

const ruleShare = (rule: RuleInfo, type: string, a: Assumptions) =>
  typeShare(rule.pattern, type, a.routeShares, shortName(rule.name), 'route');

/**
 * EventBridge: every order puts one OrderPlaced and one outcome on the bus; events are billed
 * per 64 KB chunk, archiving per GB; the rules' matching is free and their targets are where
 * the traffic goes next, with the `statusChanges` the outbox relay publishes a month.
 */
export function priceEventBridge(ledger: Ledger, statusChanges: number): BusTraffic {
  const { structure, orders, a, chunks } = ledger;
  const perType: Record<string, number> = {
    OrderPlaced: orders,
    OrderConfirmed: orders * a.confirmedShare,
    OrderCancelled: orders * (1 - a.confirmedShare),
  };
  const busEvents = sum(Object.values(perType));
  ledger.add({
    service: 'EventBridge',
    item: 'custom events published',
    units: busEvents * chunks,
    unit: 'events',
    usd: busEvents * chunks * PRICES.eventBridgeEvent.usd,
  });
  if (structure.archives > 0) {
    const archived = gb(busEvents * a.eventBytes) * structure.archives;
    ledger.add({
      service: 'EventBridge',
      item: 'events archived',
      units: archived,
      unit: 'GB',
      usd: archived * PRICES.eventBridgeArchive.usd,
    });
  }

  const queueIn = new Map<string, number>();
  const topicIn = new Map<string, Map<string, number>>();
  let targetInvocations = 0;
  for (const rule of structure.rules) {
    for (const type of BUS_EVENTS) {
      const matched = (perType[type] ?? 0) * ruleShare(rule, type, a);
      for (const target of rule.targets) {
        if (target.kind === 'queue') {
          addTo(queueIn, target.name, matched);
          targetInvocations += matched;
        } else {
          const byType = topicIn.get(target.name) ?? new Map<string, number>();
          addTo(byType, type, matched);
          topicIn.set(target.name, byType);
          if (!ledger.busFanOut.has(target.name)) targetInvocations += matched;
        }
      }
    }
  }
  // Topics no rule feeds are published to directly: the status stream, by the outbox relay.
  for (const topic of structure.topics) {
    if (!topicIn.has(topic.name) && topic.subscriptions.length > 0)
      topicIn.set(topic.name, new Map([['OrderStatusChanged', statusChanges]]));
  }
  return { perType, busEvents, queueIn, topicIn, targetInvocations };
}
