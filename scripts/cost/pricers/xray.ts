import { SECONDS_PER_MONTH, sampledPerSecond } from '../billing.js';
import type { FunctionUsage } from '../model.js';
import { PRICES } from '../prices.js';
import { type Ledger, sum } from './ledger.js';

/**
 * X-Ray: each invocation by an event source (a queue, a stream, the Kafka log) and each
 * execution starts a trace; the default rule's reservoir is shared by the whole account.
 */
export function priceXray(ledger: Ledger, functions: readonly FunctionUsage[], executions: number): void {
  const { structure, a } = ledger;
  const roots =
    sum(
      functions
        .filter(
          (f) =>
            structure.mappings.some((m) => m.function === f.name) ||
            (structure.kafka?.mappings ?? []).some((m) => m.function === f.name),
        )
        .map((f) => f.invocations),
    ) + executions;
  const traces =
    sampledPerSecond(roots / SECONDS_PER_MONTH, a.xrayReservoirPerSecond, a.xraySampleRate) *
    SECONDS_PER_MONTH;
  ledger.add({
    service: 'X-Ray',
    item: 'traces recorded',
    units: traces,
    unit: 'traces',
    usd: traces * PRICES.xrayTrace.usd,
  });
}
