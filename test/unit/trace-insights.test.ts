import { GetQueryResultsCommand, StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { insightsLogReader, insightsQuery, recordOfResult } from '../../scripts/trace/log-records.js';

const message = (fields: Record<string, unknown>) =>
  JSON.stringify({
    level: 'INFO',
    message: 'Record handled',
    timestamp: '2026-12-03T10:00:00.300Z',
    ...fields,
  });

const row = (text: string, group = '/aws/lambda/email') => [
  { field: '@timestamp', value: '2026-12-03 10:00:00.301' },
  { field: '@log', value: `123456789012:${group}` },
  { field: '@message', value: text },
];

/** A CloudWatch Logs client that answers StartQuery, then `statuses` in turn to GetQueryResults. */
function fakeLogs(statuses: string[], rows: ReturnType<typeof row>[]) {
  const sent: unknown[] = [];
  let polls = 0;
  return {
    sent,
    client: {
      send: async (command: unknown) => {
        sent.push(command);
        if (command instanceof StartQueryCommand) return { queryId: `q-${sent.length}` };
        if (command instanceof GetQueryResultsCommand) {
          const status = statuses[Math.min(polls++, statuses.length - 1)];
          return { status, results: status === 'Complete' ? rows : [] };
        }
        throw new Error('unexpected command');
      },
    } as never,
  };
}

describe('insightsQuery', () => {
  it('filters on the orderId or the correlationId, oldest first', () => {
    expect(insightsQuery('ord-7')).toBe(
      [
        'fields @timestamp, @log, @message',
        '| filter orderId = "ord-7" or correlationId = "ord-7"',
        '| sort @timestamp asc',
        '| limit 10000',
      ].join('\n'),
    );
  });

  it('quotes an id so that it cannot end the string literal', () => {
    expect(insightsQuery('a"b')).toContain('orderId = "a\\"b"');
  });
});

describe('recordOfResult', () => {
  it('takes the group from @log and the fields from the JSON message', () => {
    expect(recordOfResult(row(message({ orderId: 'ord-7', queue: 'EmailQueue' })))).toEqual({
      at: '2026-12-03T10:00:00.300Z',
      logGroup: '/aws/lambda/email',
      message: 'Record handled',
      fields: expect.objectContaining({ orderId: 'ord-7', queue: 'EmailQueue' }),
    });
  });

  it('falls back on @timestamp (UTC) for a line without its own time', () => {
    const text = JSON.stringify({ message: 'Relaying outbox', orderId: 'ord-7' });
    expect(recordOfResult(row(text))?.at).toBe('2026-12-03T10:00:00.301Z');
  });

  it('skips a row that is not a Powertools line', () => {
    expect(recordOfResult(row('REPORT RequestId: 1 Duration: 3 ms'))).toBeUndefined();
  });
});

describe('insightsLogReader', () => {
  const options = {
    logGroups: ['/aws/lambda/email', '/aws/lambda/relay'],
    since: Date.UTC(2026, 11, 3),
    sleep: async () => {},
  };

  it('starts one query over the groups and the range, in seconds', async () => {
    const logs = fakeLogs(['Complete'], []);
    await insightsLogReader(logs.client, { ...options, until: Date.UTC(2026, 11, 3, 1) })('ord-7');
    const start = logs.sent[0] as StartQueryCommand;
    expect(start.input).toMatchObject({
      logGroupNames: options.logGroups,
      startTime: Date.UTC(2026, 11, 3) / 1000,
      endTime: Date.UTC(2026, 11, 3, 1) / 1000,
      queryString: insightsQuery('ord-7'),
    });
  });

  it('polls until the query completes and returns the lines about the id', async () => {
    const logs = fakeLogs(
      ['Scheduled', 'Running', 'Complete'],
      [row(message({ orderId: 'ord-7' })), row(message({ orderId: 'ord-8' }))],
    );
    const records = await insightsLogReader(logs.client, options)('ord-7');
    expect(records.map((r) => r.fields.orderId)).toEqual(['ord-7']);
    expect(logs.sent.filter((c) => c instanceof GetQueryResultsCommand)).toHaveLength(3);
  });

  it('fails when the query ends other than complete', async () => {
    const logs = fakeLogs(['Running', 'Failed'], []);
    await expect(insightsLogReader(logs.client, options)('ord-7')).rejects.toThrow(/ended Failed/);
  });
});
