import type { Admin } from 'kafkajs';

/** One partition of a topic: what it retains, and how far each group has read it. */
export interface PartitionLag {
  readonly partition: number;
  /** Records the partition retains (high watermark less the log start). */
  readonly records: number;
  readonly high: number;
  /** Per group: its committed offset (the next it reads; none yet: the log start) and its lag. */
  readonly groups: Readonly<Record<string, { readonly committed: number | undefined; readonly lag: number }>>;
}

/**
 * How far behind the log each consumer group is, partition by partition: lag = high watermark
 * less the committed offset (a group that has committed nothing lags by what is retained).
 */
export async function groupLag(
  admin: Admin,
  topic: string,
  groups: readonly string[],
): Promise<PartitionLag[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  const committed = new Map<string, Map<number, number>>();
  for (const group of groups) {
    const byPartition = new Map<number, number>();
    for (const t of await admin.fetchOffsets({ groupId: group, topics: [topic] }))
      for (const p of t.partitions) if (Number(p.offset) >= 0) byPartition.set(p.partition, Number(p.offset));
    committed.set(group, byPartition);
  }
  return offsets
    .map((p) => {
      const high = Number(p.high);
      const low = Number(p.low);
      return {
        partition: p.partition,
        records: high - low,
        high,
        groups: Object.fromEntries(
          groups.map((g) => {
            const at = committed.get(g)?.get(p.partition);
            return [g, { committed: at, lag: high - (at ?? low) }];
          }),
        ),
      };
    })
    .sort((a, b) => a.partition - b.partition);
}

/** The total lag of a group over every partition. */
export const totalLag = (partitions: readonly PartitionLag[], group: string): number =>
  partitions.reduce((sum, p) => sum + (p.groups[group]?.lag ?? 0), 0);
