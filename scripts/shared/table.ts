/** The one table formatter of the scripts: plain text for the terminal, Markdown for docs. */

type Rows = readonly (readonly string[])[];

const widthsOf = (rows: Rows): number[] => {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  return Array.from({ length: columns }, (_, i) => Math.max(0, ...rows.map((r) => (r[i] ?? '').length)));
};

/**
 * Columns padded to their widest cell, two spaces apart, the last one unpadded. With a header,
 * a rule of dashes follows it; `indent` prefixes every line.
 */
export function textTable(
  rows: Rows,
  options: { readonly header?: readonly string[]; readonly indent?: string } = {},
): string {
  const all = options.header ? [options.header, ...rows] : rows;
  const widths = widthsOf(all);
  const line = (cells: readonly string[]) =>
    `${options.indent ?? ''}${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd();
  const rule = options.header ? [line(widths.map((w) => '-'.repeat(w)))] : [];
  return [...(options.header ? [line(options.header)] : []), ...rule, ...rows.map(line)].join('\n');
}

/** A Markdown table, columns padded so it reads as text too; numeric columns align right. */
export function markdownTable(headers: readonly string[], rows: Rows): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => /^[-$\d.,\s%×kMBx]*$/.test(r[i] ?? '')),
  );
  const cell = (text: string, i: number) =>
    numeric[i] ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0);
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => cell(c, i)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}
