import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig, DEFAULT_ENDPOINT, emulatorEnv } from '../emulator/emulator.js';

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
