/** Markdown tables and number formats for the cost output (the terminal shows them as is). */

export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  // Numbers (and dollar amounts) read best right-aligned.
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => /^[-$\d.,\s%×kMBx]*$/.test(r[i] ?? '')),
  );
  const cell = (text: string, i: number) =>
    numeric[i] ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0);
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => cell(c, i)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** US dollars: cents below $1,000, whole dollars above. */
export function usd(amount: number): string {
  const digits = Math.abs(amount) >= 1000 ? 0 : 2;
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

/** A count in a few significant figures: 950, 12.3 k, 4.56 M, 1.2 B. */
export function count(n: number): string {
  const abs = Math.abs(n);
  const [value, suffix] =
    abs >= 1e9 ? [n / 1e9, ' B'] : abs >= 1e6 ? [n / 1e6, ' M'] : abs >= 1e4 ? [n / 1e3, ' k'] : [n, ''];
  const digits =
    Math.abs(value) >= 100 || (suffix === '' && Number.isInteger(value)) ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}${suffix}`;
}

/** A ratio as a percentage, e.g. 0.1234 → 12%. */
export function percent(ratio: number): string {
  return `${ratio >= 0.1 || ratio === 0 ? Math.round(ratio * 100) : (ratio * 100).toFixed(1)}%`;
}
