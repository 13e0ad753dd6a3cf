import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CfnLintFinding,
  cfnLint,
  formatFindings,
  synthesizeAppTemplates,
} from '../../scripts/validators/cfn-lint.js';

// AWS's CloudFormation linter, with the serverless-rules plugin and the rules .cfnlintrc.yaml
// ignores (each with its reason), on every template the app synthesizes. The first run
// installs the pinned cfn-lint into .local/venv.
const COLD_START = 600_000;

describe('cfn-lint on every template of the app', () => {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
  let templates: string[];
  let findings: CfnLintFinding[];

  beforeAll(async () => {
    // GIVEN the app as bin/app.ts composes it, the benchmark stack included
    templates = await synthesizeAppTemplates(outdir);
    // WHEN
    findings = await cfnLint(templates);
  }, COLD_START);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('lints every stack', () => {
    expect(templates.map((t) => path.basename(t))).toEqual([
      'Benchmark.template.json',
      'OrderEvents.template.json',
      'OrderFulfilment.template.json',
      'OrderLog.template.json',
      'OrderNotifications.template.json',
    ]);
  });

  it('reports no error and no warning', () => {
    // THEN (printed one per line when it fails)
    expect(formatFindings(findings)).toBe('');
  });
});

describe('cfn-lint on a broken template', () => {
  it(
    'fails a queue whose redrive policy names a resource the template lacks (E1010)',
    async () => {
      // GIVEN a queue that dead-letters into MissingDeadLetterQueue
      const broken = path.join('test', 'fixtures', 'cfn', 'redrive-to-missing-queue.template.json');
      // WHEN
      const findings = await cfnLint([path.resolve(broken)]);
      // THEN
      expect(findings).toEqual([
        expect.objectContaining({
          rule: 'E1010',
          level: 'Error',
          file: broken,
          path: 'Resources/WorkQueue/Properties/RedrivePolicy/deadLetterTargetArn/Fn::GetAtt/0',
        }),
      ]);
    },
    COLD_START,
  );
});
