const TIME = /^(\d+(?:\.\d+)?)(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A point in time: ISO 8601, `now`, or an age such as `15m`, `2h`, `1d` (that long ago). */
export function parseTime(text: string, now = new Date()): Date {
  if (text === 'now') return now;
  const relative = TIME.exec(text);
  if (relative) {
    const [, amount, unit] = relative;
    return new Date(now.getTime() - Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]);
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const date = new Date(text);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new Error(
    `'${text}' is not a time: use ISO 8601 (2026-11-27T10:00:00Z), 'now', or an age like 15m, 2h, 1d.`,
  );
}
