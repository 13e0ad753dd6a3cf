import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig, DEFAULT_ENDPOINT, emulatorEnv } from '../emulator/emulator.js';

/**
 * Log lines of a function's log group that contain `text`, logged at or after `since` (ms).
 * `serverSide` also has the service match `text` as a quoted term, so that only those lines
 * are paged through (for a long log and a rare text, such as an id).
 */
export async function logLines(
  logGroupName: string,
  text: string,
  since?: number,
  serverSide = false,
): Promise<string[]> {
  const logs = new CloudWatchLogsClient(
    clientConfig(emulatorEnv(process.env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT)),
  );
  // A quoted term cannot hold a quote: such a text is matched here only.
  const filterPattern = serverSide && !text.includes('"') ? `"${text}"` : undefined;
  const lines: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(
      new FilterLogEventsCommand({ logGroupName, nextToken, startTime: since, filterPattern }),
    );
    for (const event of page.events ?? []) if (event.message?.includes(text)) lines.push(event.message);
    nextToken = page.nextToken;
  } while (nextToken);
  return lines;
}
