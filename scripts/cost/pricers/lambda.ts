import { lambdaCost, lambdaGbSeconds } from '../billing.js';
import type { FunctionUsage } from '../model.js';
import type { FunctionLoad, Ledger } from './ledger.js';

/** Lambda: requests and GB-seconds per architecture, from the load the queues, streams, log and saga put on each function. */
export function priceLambda(ledger: Ledger, load: FunctionLoad): FunctionUsage[] {
  const { structure, options } = ledger;
  const functions: FunctionUsage[] = [];
  const gbSecondsByArch = { arm64: 0, x86_64: 0 };
  let invocations = 0;
  for (const fn of structure.functions) {
    const u = load.get(fn.name);
    if (!u || u.invocations === 0) continue;
    const architecture = options.architecture ?? fn.architecture;
    const durationMs = u.billedMs / u.invocations;
    const gbSeconds = lambdaGbSeconds(u.invocations, durationMs, fn.memoryMb);
    gbSecondsByArch[architecture] += gbSeconds;
    invocations += u.invocations;
    const mapping = structure.mappings.find((m) => m.function === fn.name);
    functions.push({
      name: fn.name,
      architecture,
      memoryMb: fn.memoryMb,
      invocations: u.invocations,
      records: u.records,
      ...(u.recordsByType ? { recordsByType: u.recordsByType } : {}),
      durationMs,
      gbSeconds,
      ...(mapping?.maxConcurrency !== undefined ? { maxConcurrency: mapping.maxConcurrency } : {}),
    });
  }
  ledger.add({
    service: 'Lambda',
    item: 'requests',
    units: invocations,
    unit: 'invocations',
    usd: lambdaCost(invocations, 0, 'arm64').requests,
  });
  for (const architecture of ['arm64', 'x86_64'] as const) {
    const gbSeconds = gbSecondsByArch[architecture];
    if (gbSeconds > 0)
      ledger.add({
        service: 'Lambda',
        item: `compute (${architecture})`,
        units: gbSeconds,
        unit: 'GB-seconds',
        usd: lambdaCost(0, gbSeconds, architecture).compute,
      });
  }
  return functions;
}
