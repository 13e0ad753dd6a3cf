import { fail, progress, runMain } from '../shared/progress.js';
import { textTable } from '../shared/table.js';
import { parseCommandLine } from '../shared/usage.js';
import { connectClients, DLQ_USAGE, parseDlqArgs } from './cli.js';
import {
  type DeadLetterQueue,
  discoverDeadLetterQueues,
  excerpt,
  failureReasonOf,
  formatAge,
  inspectDeadLetterQueue,
  KIND_LABELS,
  peekMessages,
  QueueChoiceError,
  queueDepth,
  redriveTarget,
  resolveQueue,
  sentAt,
} from './dead-letters.js';

runMain(async () => {
  const args = parseCommandLine(() => parseDlqArgs(process.argv.slice(2)), DLQ_USAGE);
  if (args.command === 'help') {
    console.log(DLQ_USAGE);
    return;
  }

  const clients = connectClients(args.aws);
  const queues = await discoverDeadLetterQueues(clients, { onWarning: (m) => progress.warn(m) });

  if (args.command === 'list') {
    const now = Date.now();
    const statuses = await Promise.all(queues.map((q) => inspectDeadLetterQueue(clients.sqs, q, now)));
    if (args.json) {
      console.log(
        JSON.stringify(
          statuses.map((s) => ({ ...s.queue, depth: s.depth, oldestAgeSeconds: ageSeconds(s.oldestAgeMs) })),
          null,
          2,
        ),
      );
      return;
    }
    const rows = statuses.map((s) => [
      s.queue.shortName,
      s.queue.name,
      KIND_LABELS[s.queue.kind] + (s.queue.fifo ? ' (FIFO)' : ''),
      s.depth.inFlight > 0 ? `${s.depth.visible} (+${s.depth.inFlight} in flight)` : String(s.depth.visible),
      s.oldestAgeMs === undefined ? '-' : formatAge(s.oldestAgeMs),
      redriveTarget(s.queue),
    ]);
    console.log(
      textTable(rows, { header: ['NAME', 'DEAD-LETTER QUEUE OF', 'KIND', 'DEPTH', 'OLDEST', 'REDRIVES TO'] }),
    );
    const waiting = statuses.filter((s) => s.depth.visible + s.depth.inFlight > 0);
    console.log(
      waiting.length === 0
        ? '\nEvery dead-letter queue is empty.'
        : `\n${waiting.length} of ${statuses.length} hold messages. Read one: npm run dlq -- peek <queue>. ` +
            'Move them back: npm run redrive -- --help.',
    );
    return;
  }

  let queue: DeadLetterQueue;
  try {
    queue = resolveQueue(queues, args.queue);
  } catch (error) {
    if (error instanceof QueueChoiceError) fail(error.message, 2);
    throw error;
  }
  const [depth, messages] = await Promise.all([
    queueDepth(clients.sqs, queue.url),
    peekMessages(clients.sqs, queue.url, args.max),
  ]);
  if (args.json) {
    console.log(JSON.stringify({ queue, depth, messages }, null, 2));
    return;
  }
  const now = Date.now();
  console.log(
    `${queue.shortName} (${queue.name}, ${KIND_LABELS[queue.kind]}${queue.fifo ? ', FIFO' : ''}): ${depth.visible} waiting` +
      `${depth.inFlight > 0 ? `, ${depth.inFlight} in flight` : ''}; showing ${messages.length}, oldest first`,
  );
  console.log(`  ${queue.url}`);
  messages.forEach((m, i) => {
    const sent = sentAt(m);
    const when =
      sent > 0 ? `${new Date(sent).toISOString()} (${formatAge(now - sent)} ago)` : 'sent: unknown';
    const group = m.Attributes?.MessageGroupId ? `  group: ${m.Attributes.MessageGroupId}` : '';
    console.log(
      `\n${i + 1}. ${when}  receives: ${m.Attributes?.ApproximateReceiveCount ?? '?'}  id: ${m.MessageId ?? '?'}${group}`,
    );
    console.log(`   reason: ${failureReasonOf(m)}`);
    console.log(`   body:   ${excerpt(m.Body ?? '')}`);
  });
  if (messages.length === 0 && depth.visible + depth.inFlight > 0) {
    console.log('\nNo message came back from the sample (those in flight are hidden); try again shortly.');
  }
});

const ageSeconds = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms / 1000));
