/**
 * In-sync replicas on a real 3-node KRaft cluster (issue #13): what acks=all with
 * min.insync.replicas=2 guarantees when brokers die, and what acks=1 does not. Every claim is
 * measured by producing, failing nodes by their recorded PIDs and consuming everything back.
 */
import { parseArgs } from 'node:util';
import type { Admin, Kafka, Producer } from 'kafkajs';
import type { ClusterLayout, KafkaNode } from '../kafka/config.js';
import { ensureKafka, kafkaClient, signalNode, startNodes, stopNodes } from '../kafka/engine.js';
import { progress } from '../shared/progress.js';

export const ISR_BROKERS = 3;
export const ISR_MIN_INSYNC = 2;
const REFUSALS = ['NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND'] as const;

export const ISR_USAGE = `Usage: npm run stream:isr [-- --json]

Starts (or reuses) a local ${ISR_BROKERS}-node Kafka cluster (npm run kafka -- start --brokers ${ISR_BROKERS}), creates a
topic with replication factor ${ISR_BROKERS} and min.insync.replicas=${ISR_MIN_INSYNC}, and shows:
  1. acks=all, the partition leader killed (SIGKILL) mid-stream: every acknowledged message is
     consumed back;
  2. two brokers down: an acks=all producer is refused (NOT_ENOUGH_REPLICAS), acks=1 is not;
  3. acks=1 with a leader failover: the followers are paused (SIGSTOP) so they fetch nothing,
     messages are produced with acks=1, the leader is killed and the followers resumed: are
     acknowledged messages lost? (unclean leader election stays disabled)
It brings every broker back, deletes its topic, and stops the cluster if it started it.

  --json   print the report as JSON on stdout (progress stays on stderr)
  --help   this text

Exit status: 0 when acks=all lost nothing and two brokers down were refused, 1 otherwise,
2 for a bad command line. Takes about a minute.`;

export function parseIsrArgs(args: readonly string[]): { readonly help: boolean; readonly json: boolean } {
  const { values } = parseArgs({
    args: [...args],
    options: {
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  return { help: values.help === true, json: values.json === true };
}

export interface DeliveryCheck {
  /** Acknowledged, never consumed back. */
  readonly lost: readonly string[];
  /** Copies consumed beyond the first of an id (a retried send that had in fact been written). */
  readonly duplicates: number;
  /** Sends that failed (not acknowledged) whose messages are in the log anyway. */
  readonly unacknowledgedInLog: number;
}

/** Compare what the producer was told with what the log holds. */
export function checkDelivery(
  acked: readonly string[],
  consumed: readonly string[],
  unacknowledged: readonly string[] = [],
): DeliveryCheck {
  const counts = new Map<string, number>();
  for (const id of consumed) counts.set(id, (counts.get(id) ?? 0) + 1);
  let duplicates = 0;
  for (const n of counts.values()) duplicates += n - 1;
  return {
    lost: acked.filter((id) => !counts.has(id)),
    duplicates,
    unacknowledgedInLog: unacknowledged.filter((id) => counts.has(id)).length,
  };
}

/**
 * The Kafka protocol error type a kafkajs failure comes down to: the client wraps the
 * broker's answer (KafkaJSProtocolError) in retry errors, each holding the last as `cause`.
 */
export function protocolErrorType(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    const type = (e as { type?: unknown }).type;
    if (e.name === 'KafkaJSProtocolError' && typeof type === 'string') return type;
  }
  return undefined;
}

export const isRefusal = (type: string | undefined): boolean =>
  (REFUSALS as readonly (string | undefined)[]).includes(type);

export interface AcksAllResult {
  readonly killed: { readonly node: number; readonly pid: number };
  readonly newLeader: number;
  readonly isrAfter: readonly number[];
  readonly acknowledged: number;
  readonly acknowledgedAfterKill: number;
  readonly unacknowledged: number;
  /** From the kill to the first acknowledged send after it. */
  readonly failoverMs: number;
  readonly consumed: number;
  readonly check: DeliveryCheck;
}

export interface TwoDownResult {
  readonly down: readonly { readonly node: number; readonly how: 'SIGKILL' | 'SIGTERM' }[];
  readonly leader: number;
  readonly isr: readonly number[];
  readonly refused: boolean;
  readonly errorType?: string;
  readonly errorName?: string;
  readonly errorMessage?: string;
  /** acks=1 needs only the leader, so the same broker takes it. */
  readonly acks1Accepted: boolean;
  /** Refused messages found in the log once every broker is back (0 unless appended first). */
  readonly refusedInLog: number;
}

export interface Acks1Result {
  readonly oldLeader: number;
  readonly paused: readonly number[];
  readonly isrWhenKilled: readonly number[];
  readonly newLeader: number;
  readonly acknowledged: number;
  readonly lost: readonly string[];
  readonly failoverMs: number;
  readonly reproduced: boolean;
  readonly why: string;
}

export interface IsrReport {
  readonly topic: string;
  readonly brokers: readonly string[];
  readonly startedCluster: boolean;
  readonly acksAll: AcksAllResult;
  readonly twoDown: TwoDownResult;
  readonly acks1: Acks1Result;
  readonly durationMs: number;
}

/** The two strict claims; the acks=1 result is reported, not required. */
export function isrClaimsHold(report: IsrReport): boolean {
  return (
    report.acksAll.check.lost.length === 0 &&
    report.acksAll.acknowledgedAfterKill > 0 &&
    report.twoDown.refused
  );
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ids = (list: readonly number[]) => `[${list.join(', ')}]`;

export function formatIsrReport(r: IsrReport): string {
  const a = r.acksAll;
  const b = r.twoDown;
  const c = r.acks1;
  const lines = [
    `In-sync replicas on a ${r.brokers.length}-node KRaft cluster (${r.brokers.join(', ')}), topic ${r.topic}: ` +
      `1 partition, replication factor ${ISR_BROKERS}, min.insync.replicas=${ISR_MIN_INSYNC}, unclean leader election off`,
    '',
    `1. acks=all, leader killed mid-stream (SIGKILL node ${a.killed.node}, PID ${a.killed.pid})`,
    `   acknowledged ${a.acknowledged} (${a.acknowledgedAfterKill} after the kill), not acknowledged ${a.unacknowledged} ` +
      `(${a.check.unacknowledgedInLog} of those in the log anyway)`,
    `   new leader node ${a.newLeader}, ISR ${ids(a.isrAfter)}, first acknowledgement after the kill ${seconds(a.failoverMs)}`,
    `   consumed back from the two survivors: ${a.consumed} messages, ${a.check.duplicates} duplicates`,
    `   → ${a.check.lost.length === 0 ? 'no acknowledged message lost' : `LOST ${a.check.lost.length} acknowledged: ${a.check.lost.slice(0, 5).join(', ')}`}`,
    '',
    `2. two brokers down (${b.down.map((d) => `node ${d.node} ${d.how}`).join(', ')}); leader node ${b.leader}, ISR ${ids(b.isr)}`,
    `   acks=all: ${b.refused ? `refused with ${b.errorType}` : `NOT refused (${b.errorType ?? b.errorMessage ?? 'accepted'})`}; ` +
      `acks=1: ${b.acks1Accepted ? 'accepted (only the leader is needed)' : 'refused'}`,
    `   refused messages found in the log after recovery: ${b.refusedInLog}`,
    '',
    `3. acks=1, leader failover: followers ${ids(c.paused)} paused (SIGSTOP), ${c.acknowledged} acknowledged by leader node ${c.oldLeader}, ` +
      `leader killed with ISR ${ids(c.isrWhenKilled)}, followers resumed`,
    `   new leader node ${c.newLeader} after ${seconds(c.failoverMs)}; acknowledged but lost: ${c.lost.length} of ${c.acknowledged}`,
    `   → ${c.reproduced ? 'loss reproduced' : 'loss not reproduced'}: ${c.why}`,
    '',
    `${isrClaimsHold(r) ? 'acks=all with min.insync.replicas=2 lost nothing and refused rather than risk data' : 'A CLAIM FAILED'} ` +
      `(${seconds(r.durationMs)}${r.startedCluster ? ', cluster started and stopped by this run' : ', on the running cluster'})`,
  ];
  return lines.join('\n');
}

// ---- on the cluster ----

interface PartitionState {
  readonly leader: number;
  readonly isr: readonly number[];
}

async function partitionState(admin: Admin, topic: string): Promise<PartitionState> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const partition = topics[0]?.partitions.find((p) => p.partitionId === 0);
  if (!partition) throw new Error(`topic ${topic} has no partition 0.`);
  return { leader: partition.leader, isr: [...partition.isr].sort((x, y) => x - y) };
}

/** Poll the partition until `ok` holds; fail with the last state seen. */
async function waitForPartition(
  admin: Admin,
  topic: string,
  what: string,
  ok: (s: PartitionState) => boolean,
  timeoutMs = 30_000,
): Promise<PartitionState> {
  const deadline = Date.now() + timeoutMs;
  let last: PartitionState | string = 'nothing';
  while (Date.now() < deadline) {
    try {
      const state = await partitionState(admin, topic);
      if (ok(state)) return state;
      last = state;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(200);
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000} s waiting for ${what} (last: ${JSON.stringify(last)})`,
  );
}

/**
 * Asking for a group's coordinator creates the consumer offsets topic; the brokers answer "not
 * the coordinator" until its partitions have leaders, so ask until one answers.
 */
async function warmUpOffsetsTopic(admin: Admin, group: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await admin.describeGroups([group]);
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`no group coordinator within ${timeoutMs / 1000} s: ${String(error)}`);
      await sleep(250);
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function nodeOf(layout: ClusterLayout, id: number): KafkaNode {
  const node = layout.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`the cluster has no node ${id}.`);
  return node;
}

/** Sends that keep going through a failover: a few quick retries, then the batch counts as failed. */
function producerFor(kafka: Kafka, retries: number): Producer {
  return kafka.producer({
    allowAutoTopicCreation: false,
    retry: { retries, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

/** Every value in the topic, read with a fresh consumer group up to the current high watermark. */
async function consumeAll(kafka: Kafka, admin: Admin, topic: string, timeoutMs = 30_000): Promise<string[]> {
  const high = Number((await admin.fetchTopicOffsets(topic)).find((o) => o.partition === 0)?.high ?? 0);
  if (high === 0) return [];
  const consumer = kafka.consumer({ groupId: `${topic}-check-${Date.now()}`, maxWaitTimeInMs: 200 });
  const values: string[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`read ${values.length} of ${high} offsets of ${topic} within ${timeoutMs / 1000} s`),
          ),
        timeoutMs,
      );
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) if (m.value) values.push(m.value.toString());
            if (Number(batch.lastOffset()) + 1 >= high) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return values;
}

const batchOf = (prefix: string, from: number, size: number) =>
  Array.from({ length: size }, (_, i) => `${prefix}-${from + i}`);

async function acksAllWithLeaderKilled(
  kafka: Kafka,
  admin: Admin,
  layout: ClusterLayout,
  topic: string,
): Promise<AcksAllResult> {
  const before = 300;
  const after = 300;
  progress.step(`1. acks=all: producing, killing the leader after ${before} acknowledgements`);
  const start = await partitionState(admin, topic);
  const producer = producerFor(kafka, 15);
  await producer.connect();
  const acked: string[] = [];
  const failed: string[] = [];
  let killedAt: number | undefined;
  let firstAckAfterKill: number | undefined;
  let ackedAfterKill = 0;
  let killedPid: number | undefined;
  const deadline = Date.now() + 60_000;
  // The kill lands while a send is in flight: the loop below awaits the broker meanwhile.
  const killer = (async () => {
    while (acked.length < before) await sleep(5);
    killedPid = signalNode(nodeOf(layout, start.leader), 'SIGKILL');
    killedAt = Date.now();
  })();
  try {
    for (let seq = 0; Date.now() < deadline && ackedAfterKill < after; ) {
      const batch = batchOf('all', seq, 10);
      seq += batch.length;
      const sentBeforeKill = killedAt === undefined;
      try {
        await producer.send({ topic, acks: -1, messages: batch.map((value) => ({ value })) });
        acked.push(...batch);
        if (!sentBeforeKill) {
          ackedAfterKill += batch.length;
          firstAckAfterKill ??= Date.now();
        }
      } catch {
        failed.push(...batch);
      }
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  await killer;
  if (killedAt === undefined || killedPid === undefined)
    throw new Error(`node ${start.leader} was not running.`);
  const state = await waitForPartition(
    admin,
    topic,
    `node ${start.leader} to leave the ISR`,
    (s) => s.leader !== start.leader && s.leader >= 0 && !s.isr.includes(start.leader),
  );
  progress.info(
    `   leader node ${start.leader} killed; node ${state.leader} leads, ISR ${ids(state.isr)}; consuming back`,
  );
  const consumed = await consumeAll(kafka, admin, topic);
  return {
    killed: { node: start.leader, pid: killedPid },
    newLeader: state.leader,
    isrAfter: state.isr,
    acknowledged: acked.length,
    acknowledgedAfterKill: ackedAfterKill,
    unacknowledged: failed.length,
    failoverMs: (firstAckAfterKill ?? Date.now()) - killedAt,
    consumed: consumed.filter((v) => v.startsWith('all-')).length,
    check: checkDelivery(
      acked,
      consumed.filter((v) => v.startsWith('all-')),
      failed,
    ),
  };
}

async function twoBrokersDown(
  kafka: Kafka,
  admin: Admin,
  layout: ClusterLayout,
  topic: string,
  alreadyDown: number,
): Promise<Omit<TwoDownResult, 'refusedInLog'> & { readonly refusedIds: readonly string[] }> {
  const state = await partitionState(admin, topic);
  const follower = state.isr.find((id) => id !== state.leader);
  if (follower === undefined) throw new Error(`the ISR ${ids(state.isr)} has no follower left to stop.`);
  // SIGTERM, not SIGKILL: the node's controlled shutdown has the controller quorum (still two of
  // three voters) record it leaving the ISR. Killed outright, the quorum would lose its majority
  // before anything could record the shrink, and acks=all sends would time out instead.
  progress.step(`2. Two brokers down: stopping follower node ${follower} (SIGTERM, controlled shutdown)`);
  await stopNodes(layout, [nodeOf(layout, follower)]);
  const shrunk = await waitForPartition(
    admin,
    topic,
    `the ISR to shrink to the leader alone`,
    (s) => s.isr.length === 1 && s.leader >= 0,
  );
  const producer = producerFor(kafka, 2);
  await producer.connect();
  const refusedIds = batchOf('refused', 0, 10);
  let error: unknown;
  let acks1Accepted = false;
  try {
    await producer
      .send({ topic, acks: -1, messages: refusedIds.map((value) => ({ value })) })
      .catch((e: unknown) => {
        error = e ?? new Error('rejected');
      });
    acks1Accepted = await producer
      .send({ topic, acks: 1, messages: [{ value: 'acks1-with-two-down' }] })
      .then(() => true)
      .catch(() => false);
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  const errorType = protocolErrorType(error);
  const refused = error !== undefined && isRefusal(errorType);
  progress.info(
    `   ISR ${ids(shrunk.isr)}: acks=all ${refused ? `refused (${errorType})` : error ? `failed otherwise (${String(error)})` : 'ACCEPTED'}`,
  );
  return {
    down: [
      { node: alreadyDown, how: 'SIGKILL' },
      { node: follower, how: 'SIGTERM' },
    ],
    leader: shrunk.leader,
    isr: shrunk.isr,
    refused,
    ...(errorType ? { errorType } : {}),
    ...(error instanceof Error ? { errorName: error.name, errorMessage: error.message } : {}),
    acks1Accepted,
    refusedIds,
  };
}

async function acks1WithFailover(
  kafka: Kafka,
  admin: Admin,
  layout: ClusterLayout,
  topic: string,
): Promise<Omit<Acks1Result, 'lost' | 'reproduced' | 'why'> & { readonly acked: readonly string[] }> {
  const state = await partitionState(admin, topic);
  const followers = state.isr.filter((id) => id !== state.leader);
  progress.step(
    `3. acks=1: pausing followers ${ids(followers)} (SIGSTOP), producing to leader node ${state.leader}, then killing it`,
  );
  const producer = producerFor(kafka, 0);
  // Connected (and its metadata loaded) before the pause: a paused broker answers nothing.
  await producer.connect();
  await producer.send({ topic, acks: 1, messages: [{ value: 'warm-up' }] });
  const acked: string[] = [];
  let killedAt = 0;
  try {
    for (const id of followers) signalNode(nodeOf(layout, id), 'SIGSTOP');
    // A fetch each follower sent just before the pause waits at the leader for up to
    // replica.fetch.wait.max.ms (500 ms) and would carry new messages to it: let those expire.
    await sleep(1000);
    for (let seq = 0; seq < 200; seq += 10) {
      const batch = batchOf('one', seq, 10);
      await producer.send({ topic, acks: 1, messages: batch.map((value) => ({ value })) });
      acked.push(...batch);
    }
    signalNode(nodeOf(layout, state.leader), 'SIGKILL');
    killedAt = Date.now();
  } finally {
    for (const id of followers) signalNode(nodeOf(layout, id), 'SIGCONT');
    await producer.disconnect().catch(() => undefined);
  }
  const after = await waitForPartition(
    admin,
    topic,
    `a new leader after node ${state.leader} was killed`,
    (s) => s.leader >= 0 && s.leader !== state.leader,
  );
  progress.info(
    `   node ${after.leader} leads after ${seconds(Date.now() - killedAt)}, ISR ${ids(after.isr)}`,
  );
  return {
    oldLeader: state.leader,
    paused: followers,
    isrWhenKilled: state.isr,
    newLeader: after.leader,
    acknowledged: acked.length,
    failoverMs: Date.now() - killedAt,
    acked,
  };
}

/** Why acks=1 lost (or kept) what it acknowledged, from what was measured. */
function explainAcks1(lost: number, acknowledged: number, isrWhenKilled: readonly number[]): string {
  if (lost > 0) {
    return (
      `the leader acknowledged ${acknowledged} messages on its own write; the followers were still in the ISR ` +
      `${ids(isrWhenKilled)} (ISR membership means "fetched within replica.lag.time.max.ms", not "has every message"), ` +
      'so with unclean election disabled one of them was still a clean choice, and it lacked those messages; the old ' +
      'leader truncated them on rejoining. acks=all would have waited for the followers and not acknowledged them.'
    );
  }
  if (isrWhenKilled.length === 1) {
    return (
      `all ${acknowledged} acknowledged messages survived: the ISR had shrunk to the leader before it died, so with ` +
      'unclean election disabled no follower could take over and the partition waited for the old leader and its data.'
    );
  }
  return (
    `all ${acknowledged} acknowledged messages survived: a follower fetched them before the leader died ` +
    '(the pause did not stop its replication in time), so the new leader held them.'
  );
}

/** Run the whole demo; stops the cluster at the end if it started it, even on failure. */
export async function runIsrDemo(): Promise<IsrReport> {
  const started = Date.now();
  const handle = await ensureKafka({ brokers: ISR_BROKERS });
  const { layout } = handle;
  const startedCluster = handle.startedNow.length === layout.nodes.length;
  let measured: Omit<IsrReport, 'brokers' | 'startedCluster' | 'durationMs'>;
  try {
    measured = await measure(layout);
  } finally {
    if (startedCluster) {
      const stopped = await stopNodes(layout);
      progress.ok(`Stopped the cluster this run started (nodes ${stopped.join(', ')})`);
    } else {
      // A reused cluster is left as found: nothing paused, every node running.
      for (const node of layout.nodes) signalNode(node, 'SIGCONT');
      await ensureKafka({ brokers: ISR_BROKERS }).catch((error: Error) => progress.warn(error.message));
    }
  }
  return { ...measured, brokers: handle.brokers, startedCluster, durationMs: Date.now() - started };
}

async function measure(
  layout: ClusterLayout,
): Promise<Omit<IsrReport, 'brokers' | 'startedCluster' | 'durationMs'>> {
  const kafka = kafkaClient(layout, 'isr-demo');
  const admin = kafka.admin();
  const topic = `isr-demo-${Date.now()}`;
  try {
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 1,
          replicationFactor: ISR_BROKERS,
          configEntries: [{ name: 'min.insync.replicas', value: String(ISR_MIN_INSYNC) }],
        },
      ],
      waitForLeaders: true,
    });
    await waitForPartition(admin, topic, 'all three replicas in sync', (s) => s.isr.length === ISR_BROKERS);
    // The consumer offsets topic needs all three brokers to be created: create it now, while they run.
    await warmUpOffsetsTopic(admin, `${topic}-warm-up`);

    const acksAll = await acksAllWithLeaderKilled(kafka, admin, layout, topic);
    const two = await twoBrokersDown(kafka, admin, layout, topic, acksAll.killed.node);

    progress.step('Bringing both brokers back');
    await startNodes(
      layout,
      two.down.map((d) => nodeOf(layout, d.node)),
    );
    await waitForPartition(
      admin,
      topic,
      'all three replicas back in sync',
      (s) => s.isr.length === ISR_BROKERS,
    );

    const one = await acks1WithFailover(kafka, admin, layout, topic);
    progress.step(`Restarting node ${one.oldLeader} and reading the log back`);
    await startNodes(layout, [nodeOf(layout, one.oldLeader)]);
    await waitForPartition(
      admin,
      topic,
      'all three replicas back in sync',
      (s) => s.isr.length === ISR_BROKERS,
    );
    const consumed = await consumeAll(kafka, admin, topic);
    const lost = checkDelivery(one.acked, consumed).lost;
    const refusedInLog = checkDelivery([], consumed, two.refusedIds).unacknowledgedInLog;
    const { acked: _acked, ...acks1 } = one;
    const { refusedIds: _refused, ...twoDown } = two;
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    return {
      topic,
      acksAll,
      twoDown: { ...twoDown, refusedInLog },
      acks1: {
        ...acks1,
        lost,
        reproduced: lost.length > 0,
        why: explainAcks1(lost.length, one.acknowledged, one.isrWhenKilled),
      },
    };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
