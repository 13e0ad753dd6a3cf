import { parseArgs } from 'node:util';
import { parsing, UsageError } from '../shared/usage.js';

export const DEFAULT_CONSOLE_PORT = 4599;
/** The only address the console listens on: it has no account, so no one else may reach it. */
export const CONSOLE_HOST = '127.0.0.1';
export const DEFAULT_POLL_SECONDS = 3;

export const CONSOLE_USAGE = `Usage: npm run console [-- --port <N>] [--interval <s>] [--screenshot <file.png> [--order <id>]]

A local web page on http://${CONSOLE_HOST}:<port> (this machine only, no account) for the app
deployed on the emulator: its topology from cdk.out (the bus and its rules with their
patterns, queues and dead-letter queues with live depths, functions, SNS topics and their
filter policies, the saga, the event store and the outbox relay, the Kafka topic and its
consumer groups with their lag), the trace of an order, and each dead-letter queue's
messages with why they failed and a redrive dry run (the console never moves a message).

  --port <N>          port to listen on, 1024-65535 (default ${DEFAULT_CONSOLE_PORT}; 0 picks a free one)
  --host <address>    only ${CONSOLE_HOST} is accepted: the console is for this machine only
  --interval <s>      how often queue depths and group lag are read, 1-60 s (default ${DEFAULT_POLL_SECONDS})
  --screenshot <png>  place an order (or trace --order), take a screenshot of the page with
                      its trace in headless Chromium, write it to <png> and exit
  --order <id>        with --screenshot: the orderId or correlationId to trace
  --help              this text

Stop it with Ctrl-C. Exit status: 0 when stopped, 1 when it could not start, 2 for a bad
command line.

Examples:
  npm run console
  npm run console -- --port 4600
  npm run console -- --screenshot docs/console.png`;

export type ConsoleCommand =
  | { readonly command: 'help' }
  | {
      readonly command: 'serve';
      readonly port: number;
      readonly pollSeconds: number;
    }
  | {
      readonly command: 'screenshot';
      readonly port: number;
      readonly pollSeconds: number;
      readonly file: string;
      readonly orderId?: string;
    };

/** A host the console may bind to: the loopback address only. */
export function checkHost(host: string): string {
  if (host !== CONSOLE_HOST)
    throw new UsageError(
      `the console listens on ${CONSOLE_HOST} only (it has no account, so it must not be reachable from other hosts), got '${host}'.`,
    );
  return host;
}

function wholeNumber(text: string, what: string, min: number, max: number, also?: number): number {
  const value = Number(text);
  const ok = /^\d+$/.test(text.trim()) && ((value >= min && value <= max) || value === also);
  if (!ok) throw new UsageError(`${what} must be a whole number from ${min} to ${max}, got '${text}'.`);
  return value;
}

export function parseConsoleArgs(argv: readonly string[]): ConsoleCommand {
  const { values, positionals } = parsing(() => parse(argv));
  if (values.help) return { command: 'help' };
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals.join(' ')}'.`);
  if (values.host !== undefined) checkHost(values.host);
  const port =
    values.port === undefined ? DEFAULT_CONSOLE_PORT : wholeNumber(values.port, '--port', 1024, 65535, 0);
  const pollSeconds =
    values.interval === undefined ? DEFAULT_POLL_SECONDS : wholeNumber(values.interval, '--interval', 1, 60);
  if (values.order !== undefined && values.screenshot === undefined)
    throw new UsageError('--order goes with --screenshot.');
  if (values.screenshot !== undefined) {
    if (!values.screenshot.endsWith('.png'))
      throw new UsageError(
        `--screenshot writes a PNG file: give a name ending in .png, got '${values.screenshot}'.`,
      );
    return {
      command: 'screenshot',
      port,
      pollSeconds,
      file: values.screenshot,
      ...(values.order ? { orderId: values.order } : {}),
    };
  }
  return { command: 'serve', port, pollSeconds };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      interval: { type: 'string' },
      screenshot: { type: 'string' },
      order: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
}
