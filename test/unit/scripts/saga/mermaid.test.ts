import { describe, expect, it } from 'vitest';
import { describeRule, toMermaid } from '../../../../scripts/saga/mermaid.js';

describe('describeRule', () => {
  it('reads a guarded comparison as the comparison alone', () => {
    const rule = {
      And: [
        { Variable: '$.results.A.outcome', IsPresent: true },
        { Variable: '$.results.A.outcome', StringEquals: 'OK' },
      ],
    };

    expect(describeRule(rule)).toBe('outcome = OK');
  });

  it('reads a negated comparison as ≠', () => {
    expect(describeRule({ Not: { Variable: '$.results.A.outcome', StringEquals: 'OK' } })).toBe(
      'outcome ≠ OK',
    );
  });

  it('names a missing path by its last segment', () => {
    expect(describeRule({ Variable: '$.results.A', IsPresent: false })).toBe('A missing');
  });
});

describe('toMermaid', () => {
  it('labels a Choice default "otherwise" and a rule by its condition', () => {
    const diagram = toMermaid({
      StartAt: 'Check',
      States: {
        Check: {
          Type: 'Choice',
          Choices: [{ Variable: '$.ok', StringEquals: 'yes', Next: 'Done' }],
          Default: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    });

    expect(diagram).toContain('Check -->|ok = yes| Done');
    expect(diagram).toContain('Check -->|otherwise| Done');
  });
});
