import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AppClient, QUEUE_NAMES, waitFor } from '../../scripts/lib/app-client.js';
import { clientConfig, DEFAULT_ENDPOINT, emulatorEnv } from '../../scripts/lib/emulator.js';

export { waitFor };

/** The deployed app; integration tests run after `npm test` (or `npm run local`) deployed it. */
export function connect(): AppClient {
  return new AppClient();
}

/** Every consumer queue empty and nothing in flight, twice in a row: all deliveries were handled. */
export async function settled(app: AppClient, timeoutMs = 60_000): Promise<void> {
  let quietChecks = 0;
  await waitFor(
    'every consumer queue to drain',
    async () => {
      const depths = await Promise.all(QUEUE_NAMES.map((name) => app.depth(app.queueUrl(name))));
      quietChecks = depths.every((d) => d.visible === 0 && d.inFlight === 0) ? quietChecks + 1 : 0;
      return quietChecks >= 2 ? true : undefined;
    },
    { timeoutMs, intervalMs: 300 },
  );
}

/** Log lines of a function's log group that contain `text`, logged at or after `since` (ms). */
export async function logLines(logGroupName: string, text: string, since?: number): Promise<string[]> {
  const logs = new CloudWatchLogsClient(
    clientConfig(emulatorEnv(process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT)),
  );
  const lines: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName, nextToken, startTime: since }));
    for (const event of page.events ?? []) if (event.message?.includes(text)) lines.push(event.message);
    nextToken = page.nextToken;
  } while (nextToken);
  return lines;
}
