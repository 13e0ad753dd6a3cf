import { createHash } from 'node:crypto';
import { TransientError } from './errors.js';
import { logger } from './powertools.js';

/** Set only in test deployments (CDK context `faults`, see lib/shared/fault-injection.ts). */
const settings = (() => {
  const raw = process.env.FAULT_INJECTION;
  if (!raw) return undefined;
  const parsed = JSON.parse(raw) as {
    rate: number;
    mode: 'error' | 'timeout';
    seed: number;
    call?: number;
  };
  logger.warn('Fault injection is on for this function', parsed);
  return parsed;
})();

const calls = new Map<string, number>();

/** Whether the n-th call for a key fails: a pure function of seed, key and n. */
export function shouldFail(seed: number, key: string, call: number, rate: number): boolean {
  const digest = createHash('sha256').update(`${seed}:${key}:${call}`).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000 < rate;
}

/**
 * Inject the configured fault for this call, if any: a TransientError, or a wait past the
 * function's timeout. A no-op (one undefined check) when fault injection is off. Calls are
 * counted per key in this process; with `call`, only that call of each key can fail.
 */
export async function injectFault(key: string, remainingMs: () => number): Promise<void> {
  if (!settings) return;
  const call = (calls.get(key) ?? 0) + 1;
  calls.set(key, call);
  if (settings.call !== undefined && call !== settings.call) return;
  if (!shouldFail(settings.seed, key, call, settings.rate)) return;
  logger.warn('Injected fault', { key, call, mode: settings.mode });
  if (settings.mode === 'timeout') await new Promise((r) => setTimeout(r, remainingMs() + 1000));
  throw new TransientError(`injected fault (${settings.mode}) for ${key}, call ${call}`);
}
