import { parseArgs } from 'node:util';
import type { Admin } from 'kafkajs';
import { parseTime } from '../shared/time.js';
import { parseArgsProblem } from '../shared/usage.js';

/**
 * `npm run stream:replay`: move a consumer group back on the order event log, so that it reads
 * again what the log retains. Kafka keeps records for the topic's retention whether or not they
 * were read; a replay is only a new committed offset per partition. The group must be idle
 * (Kafka refuses to move the offsets of a group with live members), and its consumers absorb
 * the repeats through their idempotency keys.
 */

export const DEFAULT_TOPIC = 'orders.events';

export const STREAM_REPLAY_USAGE = `Usage: npm run stream:replay -- --group <id> (--from <time> | --offset <n>) [options]

Resets a consumer group's committed offsets on the order event log, so that its consumers
read again from there. <time> is ISO 8601 (2026-11-27T10:00:00Z), 'now', or an age: 30s,
15m, 2h, 1d: each partition goes back to its first record at or after that time (or to its
end, where there is none). --offset <n> sets every partition to offset n (clamped to what the
partition still retains). The group must have no running consumers.

  --group <id>      the consumer group to move (required)
  --from <time>     replay from a time (not in the future)
  --offset <n>      replay from an offset, a whole number from 0
  --topic <name>    the topic (default ${DEFAULT_TOPIC})
  --brokers <list>  bootstrap servers, comma-separated (default: the local broker, 127.0.0.1:9092)
  --dry-run         print where each partition would go; change nothing
  --help            this text

Exit status: 0 when the offsets were set (or would be, with --dry-run), 1 when Kafka refused,
2 for a bad command line.

Examples:
  npm run stream:replay -- --group order-audit --from 15m
  npm run stream:replay -- --group sales-per-minute --from 2026-11-27T09:00:00Z --dry-run
  npm run stream:replay -- --group order-audit --offset 0`;

export type ReplayStart =
  | { readonly kind: 'time'; readonly at: Date }
  | { readonly kind: 'offset'; readonly offset: number };

export interface StreamReplayCommand {
  readonly group: string;
  readonly topic: string;
  readonly start: ReplayStart;
  readonly brokers?: readonly string[];
  readonly dryRun: boolean;
}

/** A bad command line (exit status 2). */
export class StreamReplayUsageError extends Error {
  override readonly name = 'StreamReplayUsageError';
}

export function parseStreamReplayArgs(
  argv: readonly string[],
  now = new Date(),
): StreamReplayCommand | { readonly help: true } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        group: { type: 'string' },
        from: { type: 'string' },
        offset: { type: 'string' },
        topic: { type: 'string' },
        brokers: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new StreamReplayUsageError(parseArgsProblem(error));
  }
  if (values.help) return { help: true };
  const group = typeof values.group === 'string' ? values.group.trim() : '';
  if (!group) throw new StreamReplayUsageError('--group is required: the consumer group to move.');
  const from = values.from;
  const offset = values.offset;
  if (typeof from === 'string' && typeof offset === 'string')
    throw new StreamReplayUsageError('give --from or --offset, not both.');
  let start: ReplayStart;
  if (typeof offset === 'string') {
    if (!/^\d+$/.test(offset.trim()))
      throw new StreamReplayUsageError(`--offset must be a whole number from 0, got '${offset}'.`);
    start = { kind: 'offset', offset: Number(offset) };
  } else if (typeof from === 'string') {
    let at: Date;
    try {
      at = parseTime(from, now);
    } catch (error) {
      throw new StreamReplayUsageError(error instanceof Error ? error.message : String(error));
    }
    if (at.getTime() > now.getTime())
      throw new StreamReplayUsageError(
        `--from (${at.toISOString()}) is in the future (now is ${now.toISOString()}): nothing was written there yet.`,
      );
    start = { kind: 'time', at };
  } else throw new StreamReplayUsageError('say where to replay from: --from <time> or --offset <n>.');
  const brokers =
    typeof values.brokers === 'string'
      ? values.brokers
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean)
      : undefined;
  if (brokers?.length === 0) throw new StreamReplayUsageError('--brokers names no server.');
  return {
    group,
    topic: typeof values.topic === 'string' && values.topic ? values.topic : DEFAULT_TOPIC,
    start,
    ...(brokers ? { brokers } : {}),
    dryRun: values['dry-run'] === true,
  };
}

/** Where one partition goes: from its committed offset to the replay's. */
export interface PartitionMove {
  readonly partition: number;
  /** Committed before; undefined when the group had none there. */
  readonly from?: string;
  readonly to: string;
  /** Records the group will read again (or skip, when negative). */
  readonly again: number;
}

/** The partitions' new offsets: a time maps to its first record, an offset is clamped to the retained range. */
export function planMoves(
  start: ReplayStart,
  retained: readonly { partition: number; low: string; high: string }[],
  byTime: ReadonlyMap<number, string>,
  committed: ReadonlyMap<number, string>,
): PartitionMove[] {
  return retained
    .map(({ partition, low, high }) => {
      const target =
        start.kind === 'offset'
          ? Math.min(Math.max(start.offset, Number(low)), Number(high))
          : Number(byTime.get(partition) ?? high);
      const before = committed.get(partition);
      const resume = before === undefined || Number(before) < 0 ? Number(low) : Number(before);
      return {
        partition,
        ...(before !== undefined && Number(before) >= 0 ? { from: before } : {}),
        to: String(target),
        again: resume - target,
      };
    })
    .sort((a, b) => a.partition - b.partition);
}

/** Compute the moves from the broker, and make them unless `dryRun`. */
export async function replayGroup(admin: Admin, command: StreamReplayCommand): Promise<PartitionMove[]> {
  const { topic, group, start } = command;
  const topics = await admin.listTopics();
  if (!topics.includes(topic)) throw new Error(`topic '${topic}' does not exist on this cluster.`);
  const retained = (await admin.fetchTopicOffsets(topic)).map((p) => ({
    partition: p.partition,
    low: p.low,
    high: p.high,
  }));
  const byTime = new Map<number, string>();
  if (start.kind === 'time') {
    for (const p of await admin.fetchTopicOffsetsByTimestamp(topic, start.at.getTime()))
      byTime.set(p.partition, p.offset);
  }
  const committed = new Map<number, string>();
  for (const t of await admin.fetchOffsets({ groupId: group, topics: [topic] }))
    for (const p of t.partitions) committed.set(p.partition, p.offset);
  const moves = planMoves(start, retained, byTime, committed);
  if (!command.dryRun) {
    const { members } = await admin.describeGroups([group]).then((d) => d.groups[0] ?? { members: [] });
    if (members.length > 0)
      throw new Error(
        `consumer group '${group}' has ${members.length} running member(s); stop its consumers first (Kafka moves only an idle group's offsets: locally 'npm run stream:events -- stop', on AWS disable its event source mapping).`,
      );
    await admin.setOffsets({
      groupId: group,
      topic,
      partitions: moves.map((m) => ({ partition: m.partition, offset: m.to })),
    });
  }
  return moves;
}
