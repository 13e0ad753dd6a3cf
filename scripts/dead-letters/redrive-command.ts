import { progress } from '../shared/progress.js';
import { deployedBusName } from '../shared/stack-outputs.js';
import { UsageError } from '../shared/usage.js';
import { connectClients, describeReport, type RedriveCommand, summarizeReports } from './cli.js';
import {
  type DeadLetterKind,
  type DeadLetterQueue,
  discoverDeadLetterQueues,
  KIND_LABELS,
  resolveQueue,
} from './dead-letters.js';
import { type MoveProgress, type RedriveReport, redrive } from './redrive.js';

const KIND_OF_MODE: Record<RedriveCommand['mode'], DeadLetterKind> = {
  queue: 'queue',
  bus: 'eventbridge-target',
  sns: 'sns-delivery',
  relay: 'stream-relay',
};
/** The option that selects a DLQ of each kind (none for a queue DLQ). */
export const FLAG_OF_KIND: Record<DeadLetterKind, string> = {
  queue: '',
  'eventbridge-target': '--bus-dlq',
  'sns-delivery': '--sns-dlq',
  'stream-relay': '--relay-dlq',
};
const WHY_FLAG: Record<DeadLetterKind, string> = {
  queue: '',
  'eventbridge-target': 'its events go back on the bus, where every rule matches them again',
  'sns-delivery': 'its messages are republished to the topic, where every subscription sees them again',
  'stream-relay': 'its records go through the stream function again, which publishes their outbox again',
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

export interface RedriveRun {
  readonly reports: readonly RedriveReport[];
  /** Messages that could not be moved and are still in their DLQ. */
  readonly problems: number;
}

/**
 * Redrive what `command` selects, one DLQ after the other, with progress lines; stops between
 * DLQs once `signal` aborts. Throws a UsageError or QueueChoiceError when the selection is wrong.
 */
export async function redriveDeadLetters(
  command: RedriveCommand,
  options: { readonly signal?: AbortSignal; readonly onMoving?: () => void } = {},
): Promise<RedriveRun> {
  const clients = connectClients(command.aws);
  const queues = await discoverDeadLetterQueues(clients, { onWarning: (m) => progress.warn(m) });
  const selected = select(queues, command);
  const defaultBus =
    command.mode === 'bus' && command.bus === undefined ? await deployedBusName(clients.cfn) : undefined;

  const reports: RedriveReport[] = [];
  let problems = 0;
  for (const queue of selected) {
    if (options.signal?.aborted) break;
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
      ...(options.signal ? { signal: options.signal } : {}),
      onStart: (waiting) => {
        options.onMoving?.();
        progress.step(
          `${command.dryRun ? 'Dry run: ' : ''}Redriving ${queue.name} (${KIND_LABELS[queue.kind]}): ` +
            `${waiting.visible + waiting.inFlight} message(s) at up to ${command.rate}/s`,
        );
      },
      onProgress,
      onNotice: (m) => progress.info(m),
      moveTask: { timeoutMs: command.timeoutSeconds * 1000 },
      ...(command.bus ? { bus: command.bus } : {}),
      ...(defaultBus ? { defaultBus } : {}),
    });
    reports.push(report);
    const r = report.result;
    const trouble = r ? r.failed + r.heldBack + r.notDeleted : 0;
    problems += trouble;
    (trouble > 0 ? progress.warn : progress.ok)(`${queue.name}: ${describeReport(report)}`);
    for (const f of r?.failures.slice(0, 5) ?? []) progress.info(`  ${f.messageId}: ${f.reason}`);
    if (r && r.failures.length > 5) progress.info(`  … and ${r.failures.length - 5} more`);
  }
  // Every DLQ of a kind: one line for the whole run.
  if (command.queue === undefined) {
    progress.ok(summarizeReports(reports, selected.length, KIND_LABELS[KIND_OF_MODE[command.mode]]));
  }
  return { reports, problems };
}
