import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { EMULATOR_REQUIREMENTS, installIntoVenv, VENV_DIR } from '../emulator/emulator.js';
import { ROOT } from '../shared/paths.js';
import { capture, run, tail } from '../shared/run.js';

/** Pinned cfn-lint, the serverless-rules plugin and their dependencies. */
export const CFN_LINT_REQUIREMENTS = path.join(ROOT, 'scripts', 'validators', 'cfn-lint', 'requirements.txt');
/** The one place rules are configured and ignored, each with its reason. */
export const CFN_LINT_CONFIG = path.join(ROOT, '.cfnlintrc.yaml');
const CFN_LINT = path.join(VENV_DIR, 'bin', 'cfn-lint');

export interface CfnLintFinding {
  readonly rule: string;
  readonly level: 'Error' | 'Warning' | 'Informational';
  readonly message: string;
  /** Relative to the repository root when inside it, else the file's name (a synthesized template). */
  readonly file: string;
  /** Where in the template, e.g. Resources/WorkQueue/Properties/RedrivePolicy. */
  readonly path: string;
  readonly line: number;
}

/**
 * Installs the pinned cfn-lint into .local/venv (first run only). It shares the virtualenv
 * with the emulator and is installed together with the emulator's pins, so a conflict between
 * the two fails here with pip's message instead of breaking the emulator later.
 */
export async function ensureCfnLint(): Promise<void> {
  await installIntoVenv({
    requirements: [EMULATOR_REQUIREMENTS, CFN_LINT_REQUIREMENTS],
    marker: '.installed-cfn-lint',
    label: 'cfn-lint (with the emulator pins it shares .local/venv with)',
  });
}

interface RawFinding {
  readonly Filename: string;
  readonly Level: CfnLintFinding['level'];
  readonly Message: string;
  readonly Rule: { readonly Id: string };
  readonly Location: {
    readonly Path?: readonly (string | number)[];
    readonly Start: { readonly LineNumber: number };
  };
}

/**
 * Lints templates with the project's .cfnlintrc.yaml (and nothing from the user's home
 * directory), and returns every finding; an empty list means the templates passed.
 */
export async function cfnLint(templates: readonly string[]): Promise<CfnLintFinding[]> {
  if (templates.length === 0) throw new Error('cfn-lint: no templates to lint.');
  await ensureCfnLint();
  const args = ['--config-file', CFN_LINT_CONFIG, '--format', 'json', '--', ...templates];
  // cwd: the config names the custom rules relative to the root. HOME: cfn-lint also merges a
  // ~/.cfnlintrc, which would make the result depend on who runs it.
  const result = await capture(CFN_LINT, args, { cwd: ROOT, env: { ...process.env, HOME: VENV_DIR } });
  // Exit status is a bit set of the levels found (2 error, 4 warning, 8 informational); any
  // other bit (1: crash, 16/32: bad template or usage) is a failure to lint, not a finding.
  if ((result.code & ~(2 | 4 | 8)) !== 0)
    throw new Error(`cfn-lint exited with ${result.code}:\n${tail(result)}`);
  const raw = JSON.parse(result.stdout || '[]') as RawFinding[];
  return raw.map((f) => ({
    rule: f.Rule.Id,
    level: f.Level,
    message: f.Message,
    file: displayName(f.Filename),
    path: (f.Location.Path ?? []).join('/'),
    line: f.Location.Start.LineNumber,
  }));
}

function displayName(file: string): string {
  const relative = path.relative(ROOT, path.resolve(ROOT, file));
  return relative.startsWith('..') ? path.basename(file) : relative;
}

/** One line per finding, for test failures and logs. */
export function formatFindings(findings: readonly CfnLintFinding[]): string {
  return findings.map((f) => `${f.file}:${f.line} ${f.level} ${f.rule} ${f.path}: ${f.message}`).join('\n');
}

/**
 * Synthesizes bin/app.ts, exactly as `cdk synth` runs it but without bundling the functions
 * (the templates are the same; only asset hashes differ), into `outdir`, with the benchmark
 * stack included (`--context bench=true`). Returns the template files.
 */
export async function synthesizeAppTemplates(outdir: string): Promise<string[]> {
  await run(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'bin', 'app.ts')], {
    quiet: true,
    cwd: ROOT,
    env: {
      ...process.env,
      // What the CDK CLI hands an app: where to write, and the context.
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({
        'aws:cdk:bundling-stacks': [],
        bench: 'true',
        // What the CLI's lookup answers for the order log's VPC (without it, placeholder AZs).
        'availability-zones:account=123456789012:region=us-east-1': [
          'us-east-1a',
          'us-east-1b',
          'us-east-1c',
        ],
      }),
      CDK_DEFAULT_ACCOUNT: '123456789012',
      CDK_DEFAULT_REGION: 'us-east-1',
    },
  });
  return readdirSync(outdir)
    .filter((f) => f.endsWith('.template.json'))
    .sort()
    .map((f) => path.join(outdir, f));
}
