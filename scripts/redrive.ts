import {
  connectClients,
  deployedBusName,
  parseRedriveArgs,
  REDRIVE_USAGE,
  type RedriveCommand,
  UsageError,
} from './lib/dead-letter-cli.js';
import {
  type DeadLetterKind,
  type DeadLetterQueue,
  discoverDeadLetterQueues,
  KIND_LABELS,
  QueueChoiceError,
  queueDepth,
  resolveQueue,
} from './lib/dead-letters.js';
import { fail, progress, runMain } from './lib/progress.js';
import { type MoveProgress, type RedriveReport, redrive } from './lib/redrive.js';

const KIND_OF_MODE: Record<RedriveCommand['mode'], DeadLetterKind> = {
  queue: 'queue',
  bus: 'eventbridge-target',
  sns: 'sns-delivery',
};
const FLAG_OF_KIND: Record<DeadLetterKind, string> = {
  queue: '',
  'eventbridge-target': '--bus-dlq',
  'sns-delivery': '--sns-dlq',
};
const WHY_FLAG: Record<DeadLetterKind, string> = {
  queue: '',
  'eventbridge-target': 'its events go back on the bus, where every rule matches them again',
  'sns-delivery': 'its messages are republished to the topic, where every subscription sees them again',
};

/** Which dead-letter queues the command line selects, or a usage error. */
function select(queues: readonly DeadLetterQueue[], args: RedriveCommand): DeadLetterQueue[] {
  const kind = KIND_OF_MODE[args.mode];
  if (args.queue === undefined) return queues.filter((q) => q.kind === kind);
  const queue = resolveQueue(queues, args.queue);
  if (queue.kind !== kind) {
    throw new UsageError(
      queue.kind === 'queue'
        ? `${queue.name} is a queue DLQ: redrive it without ${FLAG_OF_KIND[kind]}.`
        : `${queue.name} is an ${KIND_LABELS[queue.kind]}: ${WHY_FLAG[queue.kind]}. Pass ${FLAG_OF_KIND[queue.kind]} to do that.`,
    );
  }
  return [queue];
}

function describe(report: RedriveReport): string {
  const how = report.method === 'message-move-task' ? 'SQS message move task' : "the script's mover";
  if (report.dryRun) {
    const w = report.waiting ?? { visible: 0, inFlight: 0 };
    return (
      `would move ${w.visible} message(s) to ${report.destination} with ${how}` +
      (w.inFlight > 0 ? ` (${w.inFlight} more in flight, moved once visible again)` : '')
    );
  }
  const r = report.result;
  if (!r) return 'nothing done';
  const parts = [`moved ${r.moved}`, `failed ${r.failed}`];
  if (r.heldBack > 0) parts.push(`held back ${r.heldBack} (FIFO order, behind a failure)`);
  if (r.notDeleted > 0) parts.push(`copied but not deleted ${r.notDeleted} (sent again next time)`);
  parts.push(`left ${r.left}`);
  return `${parts.join(', ')} (${how} → ${report.destination})`;
}

runMain(async () => {
  let args: ReturnType<typeof parseRedriveArgs>;
  try {
    args = parseRedriveArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) fail(`${error.message}\n\n${REDRIVE_USAGE}`, 2);
    throw error;
  }
  if (args.command === 'help') {
    console.log(REDRIVE_USAGE);
    return;
  }
  const command = args;

  const clients = connectClients(command.aws);
  const queues = await discoverDeadLetterQueues(clients, { onWarning: (m) => progress.warn(m) });
  let selected: DeadLetterQueue[];
  try {
    selected = select(queues, command);
  } catch (error) {
    if (error instanceof UsageError || error instanceof QueueChoiceError) fail(error.message, 2);
    throw error;
  }
  if (command.queue === undefined) {
    // Every DLQ of the kind: skip the empty ones.
    const depths = await Promise.all(selected.map((q) => queueDepth(clients.sqs, q.url)));
    const empty = selected.filter((_, i) => (depths[i]?.visible ?? 0) + (depths[i]?.inFlight ?? 0) === 0);
    selected = selected.filter((q) => !empty.includes(q));
    if (empty.length > 0)
      progress.info(`${empty.length} empty ${KIND_LABELS[KIND_OF_MODE[command.mode]]}(s) skipped`);
    if (selected.length === 0) {
      progress.ok(`Nothing to redrive: every ${KIND_LABELS[KIND_OF_MODE[command.mode]]} is empty`);
      return;
    }
  }
  const defaultBus =
    command.mode === 'bus' && command.bus === undefined ? await deployedBusName(clients.cfn) : undefined;

  // First Ctrl-C: finish the batch in hand (or cancel the move task) and report; second: quit.
  const abort = new AbortController();
  process.on('SIGINT', () => {
    if (abort.signal.aborted) process.exit(130);
    progress.warn('Stopping after the current batch (Ctrl-C again to quit at once)');
    abort.abort();
  });

  let problems = 0;
  for (const queue of selected) {
    if (abort.signal.aborted) break;
    progress.step(
      `${command.dryRun ? 'Dry run: ' : ''}Redriving ${queue.name} (${KIND_LABELS[queue.kind]}) at up to ${command.rate}/s`,
    );
    let lastPrinted = 0;
    const onProgress = (p: MoveProgress) => {
      if (Date.now() - lastPrinted < 1000) return;
      lastPrinted = Date.now();
      progress.info(`moved ${p.moved}${p.failed > 0 ? `, failed ${p.failed}` : ''} of about ${p.total}`);
    };
    const report = await redrive(clients, queue, {
      rate: command.rate,
      dryRun: command.dryRun,
      useMoveTask: !command.mover,
      signal: abort.signal,
      onProgress,
      onNotice: (m) => progress.info(m),
      moveTask: { timeoutMs: command.timeoutSeconds * 1000 },
      ...(command.bus ? { bus: command.bus } : {}),
      ...(defaultBus ? { defaultBus } : {}),
    });
    const r = report.result;
    const trouble = r ? r.failed + r.heldBack + r.notDeleted : 0;
    problems += trouble;
    (trouble > 0 ? progress.warn : progress.ok)(`${queue.name}: ${describe(report)}`);
    for (const f of r?.failures.slice(0, 5) ?? []) progress.info(`  ${f.messageId}: ${f.reason}`);
    if (r && r.failures.length > 5) progress.info(`  … and ${r.failures.length - 5} more`);
  }
  if (abort.signal.aborted)
    fail('interrupted: what was copied was deleted from the DLQ; re-run to go on.', 130);
  if (problems > 0) {
    fail(
      `${problems} message(s) could not be moved and are still in their DLQ; npm run dlq -- peek <queue> shows them.`,
    );
  }
});
