/** Progress output for long commands: numbered steps with elapsed time, to stderr. */
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`.padStart(7);
const useColour = process.stderr.isTTY && !process.env.NO_COLOR;
const paint = (code: string, text: string) => (useColour ? `\u001b[${code}m${text}\u001b[0m` : text);

export const progress = {
  step(message: string): void {
    process.stderr.write(`${paint('2', elapsed())}  ${paint('1', '▶')} ${message}\n`);
  },
  info(message: string): void {
    process.stderr.write(`${paint('2', elapsed())}    ${message}\n`);
  },
  ok(message: string): void {
    process.stderr.write(`${paint('2', elapsed())}  ${paint('32', '✔')} ${message}\n`);
  },
  warn(message: string): void {
    process.stderr.write(`${paint('2', elapsed())}  ${paint('33', '!')} ${message}\n`);
  },
};

/** Print a clear error and exit non-zero; for CLI entry points only. */
export function fail(message: string, exitCode = 1): never {
  process.stderr.write(`${paint('31', 'error:')} ${message}\n`);
  process.exit(exitCode);
}

/** Run an async CLI main: turn any thrown error into a message and a non-zero exit. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    fail(error instanceof Error ? error.message : String(error));
  });
}
