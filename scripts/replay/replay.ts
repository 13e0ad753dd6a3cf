import {
  DescribeReplayCommand,
  type DescribeReplayCommandOutput,
  type EventBridgeClient,
  ListArchivesCommand,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';

export interface ReplayRequest {
  readonly busArn: string;
  /** @default the bus's only archive */
  readonly archiveName?: string;
  readonly from: Date;
  readonly to: Date;
  /** Replay only to these rules; all rules on the bus when empty. */
  readonly ruleArns?: readonly string[];
}

/** The archive to replay from: the named one, or the bus's only archive. */
export async function findArchive(client: EventBridgeClient, busArn: string, name?: string): Promise<string> {
  const result = await client.send(new ListArchivesCommand({ EventSourceArn: busArn }));
  const archives = (result.Archives ?? []).filter((a) => a.EventSourceArn === busArn || !a.EventSourceArn);
  if (name) {
    if (!archives.some((a) => a.ArchiveName === name)) {
      throw new Error(
        `no archive named '${name}' on ${busArn}; it has: ${archives.map((a) => a.ArchiveName).join(', ') || 'none'}.`,
      );
    }
    return name;
  }
  if (archives.length === 1 && archives[0]?.ArchiveName) return archives[0].ArchiveName;
  if (archives.length === 0) throw new Error(`the bus ${busArn} has no archive to replay from.`);
  throw new Error(
    `the bus has ${archives.length} archives (${archives.map((a) => a.ArchiveName).join(', ')}); choose one with --archive.`,
  );
}

/** Start a replay of [from, to) onto the bus; returns the replay's name. */
export async function startReplay(client: EventBridgeClient, request: ReplayRequest): Promise<string> {
  if (request.from.getTime() >= request.to.getTime()) {
    throw new Error(
      `--from (${request.from.toISOString()}) must be before --to (${request.to.toISOString()}).`,
    );
  }
  const archiveName = await findArchive(client, request.busArn, request.archiveName);
  const replayName = `replay-${Date.now()}`;
  const account = request.busArn.split(':')[4];
  const region = request.busArn.split(':')[3];
  await client.send(
    new StartReplayCommand({
      ReplayName: replayName,
      EventSourceArn: `arn:aws:events:${region}:${account}:archive/${archiveName}`,
      EventStartTime: request.from,
      EventEndTime: request.to,
      Destination: {
        Arn: request.busArn,
        ...(request.ruleArns && request.ruleArns.length > 0 ? { FilterArns: [...request.ruleArns] } : {}),
      },
    }),
  );
  return replayName;
}

export type ReplayProgress = (state: DescribeReplayCommandOutput) => void;

/** Poll a replay until it ends; resolve on COMPLETED, reject on FAILED/CANCELLED or timeout. */
export async function waitForReplay(
  client: EventBridgeClient,
  replayName: string,
  {
    timeoutMs = 15 * 60_000,
    intervalMs = 1000,
    onProgress,
  }: { timeoutMs?: number; intervalMs?: number; onProgress?: ReplayProgress } = {},
): Promise<DescribeReplayCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await client.send(new DescribeReplayCommand({ ReplayName: replayName }));
    onProgress?.(state);
    if (state.State === 'COMPLETED') return state;
    if (state.State === 'FAILED' || state.State === 'CANCELLED') {
      throw new Error(`replay ${replayName} ended ${state.State}: ${state.StateReason ?? 'no reason given'}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `replay ${replayName} did not finish within ${timeoutMs / 1000} s; it keeps running (check DescribeReplay).`,
  );
}
