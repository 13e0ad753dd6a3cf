import type { AppClient } from './app-client.js';

/** Poll until `check` returns a value, or fail with what was last seen when the deadline passes. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`,
  );
}

/**
 * Every consumer queue of the app empty, with nothing in flight, on two checks in a row: every
 * delivery so far was handled (one empty read can fall between a receive and its retry).
 */
export async function settled(
  app: Pick<AppClient, 'consumerQueueUrls' | 'depth'>,
  { timeoutMs = 60_000, intervalMs = 300 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  let quietChecks = 0;
  await waitFor(
    'every consumer queue to drain',
    async () => {
      const depths = await Promise.all(app.consumerQueueUrls().map((url) => app.depth(url)));
      quietChecks = depths.every((d) => d.visible === 0 && d.inFlight === 0) ? quietChecks + 1 : 0;
      return quietChecks >= 2 ? true : undefined;
    },
    { timeoutMs, intervalMs },
  );
}
