import {
  CancelMessageMoveTaskCommand,
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { SqsLike } from '../../../scripts/dead-letters/dead-letters.js';

export const ACCOUNT = '123456789012';
export const queueUrl = (name: string) => `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${name}`;
export const queueArn = (name: string) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;
const nameOf = (urlOrArn: string) => urlOrArn.split(/[/:]/).pop() ?? urlOrArn;

export interface StoredMessage {
  readonly id: string;
  readonly body: string;
  readonly attributes: Record<string, MessageAttributeValue>;
  readonly groupId?: string;
  readonly dedupId?: string;
  readonly sentAt: number;
  receives: number;
  invisibleUntil: number;
  receipt?: string;
}

/** A fake clock: `sleep` records the wait and moves time on, without waiting. */
export class FakeClock {
  time = Date.UTC(2026, 10, 27, 9, 0, 0);
  readonly sleeps: number[] = [];
  readonly now = () => this.time;
  readonly sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.time += ms;
  };
}

export type MoveTaskSupport = 'unsupported' | 'supported' | Error;

/**
 * SQS in memory, enough for the redrive tools: queues of messages with visibility timeouts
 * (FIFO: a group with a message in flight returns nothing more), batch send and delete, and
 * message move tasks (supported, unknown to the endpoint, or refused). Every call is recorded.
 */
export class FakeSqs {
  readonly queues = new Map<string, StoredMessage[]>();
  readonly redrivePolicies = new Map<string, string>();
  readonly calls: { name: string; input: Record<string, unknown> }[] = [];
  /** Return a reason to make SendMessageBatch report an entry as failed. */
  failSend: (entry: SendMessageBatchRequestEntry, queueUrl: string) => string | undefined = () => undefined;
  /** Throw from SendMessageBatch (a network failure) when this returns an error. */
  throwOnSend: (call: number) => Error | undefined = () => undefined;
  /** Make DeleteMessageBatch report these receipt handles as failed. */
  failDelete: (receipt: string) => boolean = () => false;
  /** Called after a successful send: e.g. to dead-letter the copy again at once. */
  afterSend: (queueUrl: string, message: StoredMessage) => void = () => undefined;
  moveTasks: MoveTaskSupport = 'unsupported';
  private nextId = 1;
  private sendCalls = 0;
  private task?: { handle: string; source: string; moved: number; toMove: number; status: string };

  constructor(private readonly clock: FakeClock = new FakeClock()) {}

  addQueue(name: string, redriveTo?: string): string {
    this.queues.set(queueUrl(name), []);
    if (redriveTo)
      this.redrivePolicies.set(
        queueUrl(name),
        JSON.stringify({ deadLetterTargetArn: queueArn(redriveTo), maxReceiveCount: 3 }),
      );
    return queueUrl(name);
  }

  put(
    url: string,
    body: string,
    options: { attributes?: Record<string, string>; groupId?: string; dedupId?: string } = {},
  ): StoredMessage {
    const message: StoredMessage = {
      id: `msg-${this.nextId++}`,
      body,
      attributes: Object.fromEntries(
        Object.entries(options.attributes ?? {}).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
      ),
      ...(options.groupId ? { groupId: options.groupId } : {}),
      ...(options.dedupId ? { dedupId: options.dedupId } : {}),
      sentAt: this.clock.now(),
      receives: 0,
      invisibleUntil: 0,
    };
    this.queue(url).push(message);
    return message;
  }

  queue(url: string): StoredMessage[] {
    const q = this.queues.get(url);
    if (!q) throw Object.assign(new Error(`no queue ${url}`), { name: 'QueueDoesNotExist' });
    return q;
  }

  bodies(url: string): string[] {
    return this.queue(url).map((m) => m.body);
  }

  /** The names of the calls made, in order. */
  get callNames(): string[] {
    return this.calls.map((c) => c.name);
  }

  asClient(): SqsLike {
    return this as unknown as SqsLike;
  }

  async send(command: { input: unknown }): Promise<unknown> {
    const input = command.input as Record<string, unknown>;
    this.calls.push({ name: command.constructor.name.replace(/Command$/, ''), input });
    const now = this.clock.now();
    if (command instanceof GetQueueAttributesCommand) {
      const url = String(input.QueueUrl);
      const q = this.queue(url);
      const visible = q.filter((m) => m.invisibleUntil <= now).length;
      return {
        Attributes: {
          QueueArn: queueArn(nameOf(url)),
          FifoQueue: String(url.endsWith('.fifo')),
          ApproximateNumberOfMessages: String(visible),
          ApproximateNumberOfMessagesNotVisible: String(q.length - visible),
          ...(this.redrivePolicies.has(url) ? { RedrivePolicy: this.redrivePolicies.get(url) } : {}),
        },
      };
    }
    if (command instanceof ReceiveMessageCommand) {
      const url = String(input.QueueUrl);
      const max = Number(input.MaxNumberOfMessages ?? 1);
      const blocked = new Set(
        url.endsWith('.fifo')
          ? this.queue(url)
              .filter((m) => m.invisibleUntil > now)
              .map((m) => m.groupId)
          : [],
      );
      const taken: StoredMessage[] = [];
      for (const m of this.queue(url)) {
        if (taken.length >= max) break;
        if (m.invisibleUntil > now || blocked.has(m.groupId)) continue;
        m.receives += 1;
        m.receipt = `rh-${m.id}-${m.receives}`;
        m.invisibleUntil = now + Number(input.VisibilityTimeout ?? 30) * 1000;
        taken.push(m);
      }
      return {
        Messages: taken.map((m) => ({
          MessageId: m.id,
          ReceiptHandle: m.receipt,
          Body: m.body,
          MessageAttributes: structuredClone(m.attributes),
          Attributes: {
            SentTimestamp: String(m.sentAt),
            ApproximateReceiveCount: String(m.receives),
            ...(m.groupId ? { MessageGroupId: m.groupId, MessageDeduplicationId: m.dedupId ?? m.id } : {}),
          },
        })),
      };
    }
    if (command instanceof SendMessageBatchCommand) {
      this.sendCalls += 1;
      const thrown = this.throwOnSend(this.sendCalls);
      if (thrown) throw thrown;
      const url = String(input.QueueUrl);
      const entries = (input.Entries ?? []) as SendMessageBatchRequestEntry[];
      const Successful: { Id?: string; MessageId: string }[] = [];
      const Failed: { Id?: string; Code: string; Message: string; SenderFault: boolean }[] = [];
      for (const entry of entries) {
        const reason = this.failSend(entry, url);
        if (reason) {
          Failed.push({ Id: entry.Id, Code: 'InternalError', Message: reason, SenderFault: false });
          continue;
        }
        const stored: StoredMessage = {
          id: `msg-${this.nextId++}`,
          body: entry.MessageBody ?? '',
          attributes: structuredClone(entry.MessageAttributes ?? {}),
          ...(entry.MessageGroupId ? { groupId: entry.MessageGroupId } : {}),
          ...(entry.MessageDeduplicationId ? { dedupId: entry.MessageDeduplicationId } : {}),
          sentAt: now,
          receives: 0,
          invisibleUntil: 0,
        };
        this.queue(url).push(stored);
        Successful.push({ Id: entry.Id, MessageId: stored.id });
        this.afterSend(url, stored);
      }
      return { Successful, Failed };
    }
    if (command instanceof DeleteMessageBatchCommand) {
      const url = String(input.QueueUrl);
      const entries = (input.Entries ?? []) as { Id: string; ReceiptHandle: string }[];
      const Successful: { Id: string }[] = [];
      const Failed: { Id: string; Code: string; SenderFault: boolean }[] = [];
      for (const entry of entries) {
        const q = this.queue(url);
        const index = q.findIndex((m) => m.receipt === entry.ReceiptHandle);
        if (index < 0 || this.failDelete(entry.ReceiptHandle)) {
          Failed.push({ Id: entry.Id, Code: 'ReceiptHandleIsInvalid', SenderFault: true });
          continue;
        }
        q.splice(index, 1);
        Successful.push({ Id: entry.Id });
      }
      return { Successful, Failed };
    }
    if (command instanceof StartMessageMoveTaskCommand) {
      if (this.moveTasks === 'unsupported') throw unknownAction('StartMessageMoveTask');
      if (this.moveTasks instanceof Error) throw this.moveTasks;
      const source = String(input.SourceArn);
      const from = queueUrl(nameOf(source));
      const to = queueUrl(nameOf(String(input.DestinationArn)));
      const messages = this.queue(from).splice(0);
      for (const m of messages) this.queue(to).push({ ...m, receives: 0, invisibleUntil: 0 });
      this.task = {
        handle: 'task-1',
        source,
        moved: messages.length,
        toMove: messages.length,
        status: 'COMPLETED',
      };
      return { TaskHandle: this.task.handle };
    }
    if (command instanceof ListMessageMoveTasksCommand) {
      if (this.moveTasks === 'unsupported') throw unknownAction('ListMessageMoveTasks');
      const task = this.task?.source === input.SourceArn ? this.task : undefined;
      return {
        Results: task
          ? [
              {
                Status: task.status,
                SourceArn: task.source,
                ApproximateNumberOfMessagesMoved: task.moved,
                ApproximateNumberOfMessagesToMove: task.toMove,
              },
            ]
          : [],
      };
    }
    if (command instanceof ChangeMessageVisibilityBatchCommand) {
      const entries = (input.Entries ?? []) as {
        Id: string;
        ReceiptHandle: string;
        VisibilityTimeout: number;
      }[];
      for (const entry of entries) {
        const message = this.queue(String(input.QueueUrl)).find((m) => m.receipt === entry.ReceiptHandle);
        if (message) message.invisibleUntil = now + entry.VisibilityTimeout * 1000;
      }
      return { Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] };
    }
    if (command instanceof CancelMessageMoveTaskCommand) return {};
    throw new Error(`FakeSqs does not handle ${command.constructor.name}`);
  }
}

/** What the local emulator answers for an action it does not have. */
export function unknownAction(action: string): Error {
  return Object.assign(new Error(`The action ${action} is not valid for this endpoint.`), {
    name: 'InvalidAction',
    Code: 'InvalidAction',
    $metadata: { httpStatusCode: 400 },
  });
}
