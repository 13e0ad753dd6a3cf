/** Number formats for the cost output; its tables come from scripts/shared/table.ts. */

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
