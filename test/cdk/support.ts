import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, type AppProps, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { parseDefinitionString, type StateMachineDefinition } from '../../scripts/shared/asl.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export const ENV = { account: ACCOUNT, region: REGION } as const;

// One assembly directory per test file (vitest runs each file in its own module graph).
// CDK caches a bundled asset per output directory, so sharing it across the file's apps
// bundles each handler once instead of once per stack.
const OUTDIR = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-test-'));
process.on('exit', () => fs.rmSync(OUTDIR, { recursive: true, force: true }));

/**
 * An app for template assertions, writing to this file's shared assembly directory.
 * CDK's built-in CloudFormation schema validation is off unless asked for: it only reports
 * warnings, which template assertions do not read, and it costs ~0.3 s per synth.
 */
export function createApp(props: AppProps = {}): App {
  return new App({ outdir: OUTDIR, builtinCloudFormationValidation: false, ...props });
}

/** A stack in its own app, with a fixed account and region so ARNs and names are literal. */
export function createStack(id = 'TestStack'): Stack {
  return new Stack(createApp(), id, { env: ENV });
}

/** What `Stack.formatArn` renders for an SQS queue of `createStack()`. */
export function sqsArnOf(queueName: string): unknown {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sqs:${REGION}:${ACCOUNT}:${queueName}`]] };
}

/** One unacknowledged finding of a policy-validation plugin (e.g. a cdk-nag rule pack). */
export interface Finding {
  readonly rule: string;
  readonly severity: string;
  readonly constructPath: string;
}

export interface SynthOutcome {
  /** What `app.synth()` threw (CDK throws when a plugin reports an error-level finding). */
  readonly error: Error | undefined;
  /** Unacknowledged findings of the named plugin, read from the assembly's validation report. */
  readonly findings: readonly Finding[];
}

interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{
    readonly pluginName: string;
    readonly violations: ReadonlyArray<{
      readonly ruleName: string;
      readonly severity: string;
      readonly violatingConstructs: ReadonlyArray<{ readonly constructPath: string }>;
    }>;
  }>;
}

/**
 * Synthesizes the app and returns the findings one validation plugin reported.
 *
 * Validation plugins (`Validations.of(app).addPlugins(...)`, cdk-nag 3 packs among them) run
 * at the end of `app.synth()`. CDK writes their report, without the acknowledged findings, to
 * `validation-report.json` in the assembly directory, and then throws if any finding left is
 * an error. The report lists warnings too, so it is what this reads; the error is returned.
 */
export function synthesizeWithValidation(app: App, pluginName: string): SynthOutcome {
  const reportFile = path.join(app.outdir, cxapi.VALIDATION_REPORT_FILE);
  fs.rmSync(reportFile, { force: true }); // never read the report of an earlier synth
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e instanceof Error ? e : new Error(String(e));
  }
  if (!fs.existsSync(reportFile)) {
    // No report: synth failed before validation, or no plugin is registered.
    throw error ?? new Error(`No ${cxapi.VALIDATION_REPORT_FILE} in ${app.outdir}: is a plugin registered?`);
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ValidationReport;
  const findings = report.pluginReports
    .filter((r) => r.pluginName === pluginName)
    .flatMap((r) => r.violations)
    .flatMap((v) =>
      v.violatingConstructs.map((c) => ({
        rule: v.ruleName,
        severity: v.severity,
        constructPath: c.constructPath,
      })),
    );
  return { error, findings };
}

export * from '../../scripts/shared/asl.js';

/** The definition of the only state machine of a template (fails if there is not exactly one). */
export function stateMachineDefinition(
  template: Template,
  placeholder?: string | ((token: unknown) => string),
): StateMachineDefinition {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  if (machines.length !== 1) throw new Error(`Expected 1 state machine, found ${machines.length}`);
  return parseDefinitionString(machines[0]?.Properties?.DefinitionString, placeholder);
}
