import { spawn } from 'node:child_process';

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Capture output instead of streaming it (returned; printed only on failure). */
  readonly quiet?: boolean;
}

export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Spawn a command and collect what it prints; `stream` passes its output through instead. */
function spawnCollecting(
  command: string,
  args: readonly string[],
  options: RunOptions & { readonly input?: string; readonly stream?: boolean },
): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: options.stream ? 'inherit' : [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (error) => reject(new Error(`could not run ${command}: ${error.message}`)));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Run a command; resolve with its output, reject with its exit code and output tail. */
export async function run(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  const result = await spawnCollecting(command, args, { ...options, stream: !options.quiet });
  const output = result.stdout + result.stderr;
  if (result.code === 0) return output;
  const last = output.trim().split('\n').slice(-25).join('\n');
  throw new Error(`${command} ${args.join(' ')} exited with ${result.code}${last ? `\n${last}` : ''}`);
}

/**
 * Run a command to completion and return its exit code and output, whatever the code: the
 * validators' exit codes carry findings, which `run` would turn into a rejection.
 */
export function capture(
  command: string,
  args: readonly string[],
  options: Omit<RunOptions, 'quiet'> & { readonly input?: string } = {},
): Promise<Captured> {
  return spawnCollecting(command, args, options);
}

/** The last lines of a failed command's output, for an error message. */
export const tail = (c: Captured, lines = 20): string =>
  (c.stderr.trim() || c.stdout.trim()).split('\n').slice(-lines).join('\n');
