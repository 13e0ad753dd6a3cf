import { describe, expect, it } from 'vitest';
import { markdownTable, textTable } from '../../../../scripts/shared/table.js';

describe('textTable', () => {
  it('pads every column but the last to its widest cell, under a rule of dashes', () => {
    const text = textTable(
      [
        ['email', '3'],
        ['analytics', '12'],
      ],
      { header: ['NAME', 'DEPTH'] },
    );
    expect(text.split('\n')).toEqual([
      'NAME       DEPTH',
      '---------  -----',
      'email      3',
      'analytics  12',
    ]);
  });

  it('indents every line and leaves no trailing spaces without a header', () => {
    expect(
      textTable(
        [
          ['a', ''],
          ['bbb', 'x'],
        ],
        { indent: '  ' },
      ).split('\n'),
    ).toEqual(['  a', '  bbb  x']);
  });
});

describe('markdownTable', () => {
  it('aligns numeric columns right and text columns left', () => {
    expect(
      markdownTable(
        ['service', 'cost'],
        [
          ['SQS', '$1.20'],
          ['Lambda', '$10.00'],
        ],
      ).split('\n'),
    ).toEqual([
      '| service |   cost |',
      '|---------|-------:|',
      '| SQS     |  $1.20 |',
      '| Lambda  | $10.00 |',
    ]);
  });
});
