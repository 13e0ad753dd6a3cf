import {
  type CloudWatchLogsClient,
  GetQueryResultsCommand,
  type ResultField,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { logLines } from '../shared/logs.js';

/** One structured (Powertools JSON) log line of one of the app's functions. */
export interface LogRecord {
  /** When it was written: Powertools' own `timestamp` (ms), else the log event's. */
  readonly at: string;
  /** The log group it was read from. */
  readonly logGroup: string;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Reads the lines of one order or flow: those whose orderId or correlationId is `id`. */
export type LogReader = (id: string) => Promise<LogRecord[]>;

/** A Powertools JSON line as a record; undefined for anything else (START, REPORT, EMF metrics). */
export function parseLogLine(text: string, logGroup: string, eventTime?: number): LogRecord | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof fields.message !== 'string') return undefined;
  const stamped = typeof fields.timestamp === 'string' ? Date.parse(fields.timestamp) : Number.NaN;
  const at = Number.isFinite(stamped) ? stamped : eventTime;
  if (at === undefined || !Number.isFinite(at)) return undefined;
  return { at: new Date(at).toISOString(), logGroup, message: fields.message, fields };
}

/** Whether a record belongs to the order or flow `id`. */
export const isAbout = (record: LogRecord, id: string): boolean =>
  record.fields.orderId === id || record.fields.correlationId === id;

/**
 * The emulator's way: every line of each group that mentions the id (FilterLogEvents), kept
 * when its orderId or correlationId is the id.
 */
export function filterLogReader(logGroups: readonly string[], since?: number): LogReader {
  return async (id) => {
    const records: LogRecord[] = [];
    for (const group of logGroups) {
      for (const line of await logLines(group, id, since, true)) {
        const record = parseLogLine(line, group);
        if (record && isAbout(record, id)) records.push(record);
      }
    }
    return records;
  };
}

/** Insights scans at most this many groups in one query. */
const GROUPS_PER_QUERY = 50;

/** The Logs Insights query for the lines of one order or flow (JSON fields are discovered). */
export function insightsQuery(id: string): string {
  const literal = JSON.stringify(id);
  return [
    'fields @timestamp, @log, @message',
    `| filter orderId = ${literal} or correlationId = ${literal}`,
    '| sort @timestamp asc',
    '| limit 10000',
  ].join('\n');
}

/** One Insights result row as a record: `@log` is `account:group`, `@timestamp` is UTC without a zone. */
export function recordOfResult(row: readonly ResultField[]): LogRecord | undefined {
  const value = (field: string) => row.find((f) => f.field === field)?.value;
  const message = value('@message');
  if (!message) return undefined;
  const log = value('@log') ?? '';
  const group = log.includes(':') ? log.slice(log.indexOf(':') + 1) : log;
  const stamp = value('@timestamp');
  const eventTime = stamp ? Date.parse(`${stamp.replace(' ', 'T')}Z`) : undefined;
  return parseLogLine(message, group, eventTime);
}

export interface InsightsOptions {
  readonly logGroups: readonly string[];
  /** Epoch ms of the range's start (Insights needs one). */
  readonly since: number;
  readonly until?: number;
  /** @default 1 s between polls */
  readonly pollMs?: number;
  /** @default 120 s */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onWait?: (status: string) => void;
}

/** AWS's way: a Logs Insights query (StartQuery, then GetQueryResults until it completes). */
export function insightsLogReader(
  logs: Pick<CloudWatchLogsClient, 'send'>,
  options: InsightsOptions,
): LogReader {
  const sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  return async (id) => {
    const records: LogRecord[] = [];
    for (let i = 0; i < options.logGroups.length; i += GROUPS_PER_QUERY) {
      const { queryId } = await logs.send(
        new StartQueryCommand({
          logGroupNames: options.logGroups.slice(i, i + GROUPS_PER_QUERY),
          startTime: Math.floor(options.since / 1000),
          endTime: Math.ceil((options.until ?? Date.now()) / 1000),
          queryString: insightsQuery(id),
          limit: 10_000,
        }),
      );
      if (!queryId) throw new Error('CloudWatch Logs Insights did not start the query.');
      const deadline = Date.now() + (options.timeoutMs ?? 120_000);
      for (;;) {
        const result = await logs.send(new GetQueryResultsCommand({ queryId }));
        const status = result.status ?? 'Unknown';
        if (status === 'Complete') {
          for (const row of result.results ?? []) {
            const record = recordOfResult(row);
            if (record && isAbout(record, id)) records.push(record);
          }
          break;
        }
        if (status !== 'Running' && status !== 'Scheduled')
          throw new Error(`the Logs Insights query ended ${status}.`);
        if (Date.now() > deadline) throw new Error('the Logs Insights query did not complete in time.');
        options.onWait?.(status);
        await sleep(options.pollMs ?? 1000);
      }
    }
    return records;
  };
}
