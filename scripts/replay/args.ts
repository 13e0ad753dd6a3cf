import { parseArgs } from 'node:util';
import { parseTime } from '../shared/time.js';

export const REPLAY_USAGE = `Usage: npm run replay -- --from <time> --to <time> [options]

Replays archived events of the orders bus onto it again; consumers absorb the repeats
idempotently. <time> is ISO 8601 (2026-11-27T10:00:00Z), 'now', or an age: 30s, 15m, 2h, 1d.

  --from <time>      start of the window (required; not in the future: the archive holds
                     only events that already happened)
  --to <time>        end of the window (required; 'now' is fine, a later time is replayed
                     up to now)
  --bus <name>       event bus name (default: the deployed OrderEvents bus)
  --archive <name>   archive to replay from (default: the bus's only archive)
  --rule <arn>       replay only to this rule; repeat for several (default: every rule)
  --timeout <s>      how long to wait for the replay to finish (default 900)
  --aws              use your AWS credentials and region instead of the local emulator
  --help             this text

Exit status: 0 when the replay completed, 1 when it failed or timed out, 2 for a bad
command line.

Examples:
  npm run replay -- --from 15m --to now
  npm run replay -- --from 2026-11-27T09:00:00Z --to 2026-11-27T10:00:00Z --aws`;

export interface ReplayOptions {
  readonly from: Date;
  readonly to: Date;
  readonly bus?: string;
  readonly archive?: string;
  readonly rules?: readonly string[];
  readonly timeoutSeconds: number;
  readonly aws: boolean;
}

export type ParsedReplayArgs =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly options: ReplayOptions;
      /** What was adjusted, to print before starting (e.g. an end clamped to now). */
      readonly notes: readonly string[];
    };

export interface ReplayWindow {
  readonly from: Date;
  readonly to: Date;
  readonly notes: readonly string[];
}

/**
 * The window to replay, or an error in the user's words. A start in the future is refused:
 * the archive can hold nothing there, and EventBridge would report an empty replay as
 * completed. An end in the future is replayed up to `now`, with a note saying so.
 */
export function checkWindow(from: Date, to: Date, now: Date): ReplayWindow {
  if (from.getTime() > now.getTime()) {
    throw new Error(
      `--from (${from.toISOString()}) is in the future (now is ${now.toISOString()}): the archive holds only ` +
        'events that already happened. Give a start in the past, e.g. --from 15m.',
    );
  }
  const clamped = to.getTime() > now.getTime();
  const end = clamped ? now : to;
  if (from.getTime() >= end.getTime()) {
    throw new Error(`--from (${from.toISOString()}) must be before --to (${end.toISOString()}).`);
  }
  const notes = clamped
    ? [`--to (${to.toISOString()}) is in the future: replaying up to now (${now.toISOString()}).`]
    : [];
  return { from, to: end, notes };
}

/** The replay's options from its arguments; throws with a message for anything it cannot use. */
export function parseReplayArgs(args: readonly string[], now = new Date()): ParsedReplayArgs {
  const { values } = parseArgs({
    args: [...args],
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      bus: { type: 'string' },
      archive: { type: 'string' },
      rule: { type: 'string', multiple: true },
      timeout: { type: 'string', default: '900' },
      aws: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return { help: true };
  if (!values.from || !values.to) throw new Error('--from and --to are required.');
  const timeoutSeconds = Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new Error(`--timeout must be a positive number of seconds, got '${values.timeout}'.`);
  }
  const window = checkWindow(parseTime(values.from, now), parseTime(values.to, now), now);
  return {
    help: false,
    options: {
      from: window.from,
      to: window.to,
      ...(values.bus ? { bus: values.bus } : {}),
      ...(values.archive ? { archive: values.archive } : {}),
      ...(values.rule ? { rules: values.rule } : {}),
      timeoutSeconds,
      aws: values.aws === true,
    },
    notes: window.notes,
  };
}
