import { describeReport, parseRedriveArgs } from '../dead-letters/cli.js';
import {
  type DeadLetterQueue,
  excerpt,
  failureReasonOf,
  KIND_LABELS,
  peekMessages,
  type QueueDepth,
  queueDepth,
  redriveTarget,
  type SqsLike,
  sentAt,
} from '../dead-letters/dead-letters.js';
import { FLAG_OF_KIND, redriveDeadLetters } from '../dead-letters/redrive-command.js';
import type { DeadLetterMessages, DeadLetterView, DryRunView } from './model.js';

/**
 * The console's dead-letter panel, on the code of `npm run dlq` and `npm run redrive`: a DLQ's
 * messages with why each failed, and the redrive's dry run. Nothing here moves a message.
 */

export function deadLetterView(
  queue: DeadLetterQueue,
  depth: QueueDepth,
  nodeIds: ReadonlyMap<string, string>,
): DeadLetterView {
  const nodeId = nodeIds.get(queue.url);
  return {
    shortName: queue.shortName,
    name: queue.name,
    kind: KIND_LABELS[queue.kind] + (queue.fifo ? ' (FIFO)' : ''),
    url: queue.url,
    ...(nodeId ? { nodeId } : {}),
    visible: depth.visible,
    inFlight: depth.inFlight,
    redrivesTo: redriveTarget(queue),
  };
}

/** Up to `max` messages of a DLQ, oldest first, without taking them (see peekMessages). */
export async function deadLetterMessages(
  sqs: SqsLike,
  queue: DeadLetterView,
  max = 10,
): Promise<DeadLetterMessages> {
  const [depth, messages] = await Promise.all([
    queueDepth(sqs, queue.url),
    peekMessages(sqs, queue.url, max),
  ]);
  return {
    queue: { ...queue, ...depth },
    messages: messages.map((m) => {
      const sent = sentAt(m);
      return {
        messageId: m.MessageId ?? '?',
        ...(sent > 0 ? { sentAt: new Date(sent).toISOString() } : {}),
        receives: m.Attributes?.ApproximateReceiveCount ?? '?',
        reason: failureReasonOf(m),
        body: excerpt(m.Body ?? '', 400),
      };
    }),
  };
}

/**
 * `npm run redrive -- <queue> --dry-run`, through the same parser and command: says what would
 * move and how, and moves nothing.
 */
export async function redriveDryRun(queue: DeadLetterQueue): Promise<DryRunView> {
  const flag = FLAG_OF_KIND[queue.kind];
  const command = parseRedriveArgs([...(flag ? [flag] : []), queue.shortName, '--dry-run']);
  if (command.command !== 'redrive' || !command.dryRun) throw new Error('the console runs dry runs only.');
  const { reports } = await redriveDeadLetters(command);
  const report = reports[0];
  if (!report) throw new Error(`${queue.shortName}: the redrive reported nothing.`);
  return {
    queue: queue.shortName,
    outcome: describeReport(report),
    wouldMove: report.empty ? 0 : report.waiting.visible + report.waiting.inFlight,
  };
}
