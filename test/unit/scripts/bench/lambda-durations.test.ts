import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { functionsWithLogGroups, reportDurationMs } from '../../../../scripts/bench/lambda-durations.js';
import { DEFAULT_ASSUMPTIONS, withMeasuredDurations } from '../../../../scripts/cost/assumptions.js';

describe('reportDurationMs', () => {
  it('reads the Duration of a REPORT line', () => {
    const line =
      'REPORT RequestId: 0f1e\tDuration: 23.41 ms\tBilled Duration: 24 ms\tMemory Size: 256 MB\tMax Memory Used: 80 MB';
    expect(reportDurationMs(line)).toBe(23.41);
  });

  it('ignores any other line, even one that mentions a duration', () => {
    expect(reportDurationMs('{"message":"took\\tDuration: 5 ms"}')).toBeUndefined();
  });
});

describe('functionsWithLogGroups', () => {
  it('names each function by its construct id and finds its log group by LoggingConfig', () => {
    const stacks = [
      {
        stackName: 'OrderNotifications',
        resources: {
          Fn: {
            Type: 'AWS::Lambda::Function',
            Properties: { LoggingConfig: { LogGroup: { Ref: 'EmailLogs' } } },
            Metadata: { 'aws:cdk:path': 'OrderNotifications/EmailNotifier/Function/Resource' },
          },
          Logs: { Type: 'AWS::Logs::LogGroup' },
        },
      },
    ];

    expect(functionsWithLogGroups(stacks)).toEqual([
      { stackName: 'OrderNotifications', name: 'EmailNotifier', logGroupLogicalId: 'EmailLogs' },
    ]);
  });
});

describe('withMeasuredDurations (the cost model reading a benchmark file)', () => {
  it("replaces a saga task's time per call and a consumer's time per record, and says so", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
    const file = path.join(dir, 'latest.json');
    writeFileSync(
      file,
      JSON.stringify({ lambdaDurationsMs: { ReserveStock: 12, EmailNotifier: 7, Nope: 3 } }),
    );

    const measured = withMeasuredDurations(DEFAULT_ASSUMPTIONS, file);

    expect(measured.durations.ReserveStock?.perInvocationMs).toBe(12);
    expect(measured.durations.EmailNotifier?.perRecordMs).toBe(7);
    expect(measured.durations.Nope).toBeUndefined();
    expect(measured.durationsSource).toMatch(/^2 measured/);
  });
});
