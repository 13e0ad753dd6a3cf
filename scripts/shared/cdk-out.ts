import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CDK_OUT, ROOT } from './paths.js';

/** One resource of a synthesized CloudFormation template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

export interface TemplateOutput {
  readonly Value?: unknown;
  readonly Export?: { readonly Name?: unknown };
}

/** A stack of the cloud assembly, by its deployed name. */
export interface StackTemplate {
  readonly stackName: string;
  readonly resources: Readonly<Record<string, TemplateResource>>;
  readonly outputs: Readonly<Record<string, TemplateOutput>>;
}

interface Manifest {
  readonly artifacts?: Record<
    string,
    { readonly type: string; readonly properties?: { templateFile?: string; stackName?: string } }
  >;
}

/**
 * The stack templates of the last synth in `cdkOut` (every deploy and `cdk synth` writes it).
 * `why` says what needs them, for the error when there is no synth yet.
 */
export function readTemplates(
  cdkOut = CDK_OUT,
  why = 'this command reads the synthesized templates',
): StackTemplate[] {
  const manifestFile = path.join(cdkOut, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new Error(
      `${path.relative(ROOT, manifestFile) || manifestFile} is missing: ${why}. ` +
        'Deploy first (npm run deploy:local) or run `npx cdk synth`.',
    );
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  return Object.entries(manifest.artifacts ?? {})
    .filter(([, a]) => a.type === 'aws:cloudformation:stack' && a.properties?.templateFile)
    .map(([id, a]) => {
      const template = JSON.parse(
        readFileSync(path.join(cdkOut, a.properties?.templateFile ?? ''), 'utf8'),
      ) as {
        Resources?: StackTemplate['resources'];
        Outputs?: StackTemplate['outputs'];
      };
      return {
        stackName: a.properties?.stackName ?? id,
        resources: template.Resources ?? {},
        outputs: template.Outputs ?? {},
      };
    });
}

/** One stack's template from the last synth; a clear error when the stack is not in it. */
export function readStackTemplate(stackName: string, cdkOut = CDK_OUT): StackTemplate {
  const template = readTemplates(cdkOut, `it holds the ${stackName} template`).find(
    (t) => t.stackName === stackName,
  );
  if (!template)
    throw new Error(`the synthesized app in ${path.relative(ROOT, cdkOut)} has no ${stackName} stack.`);
  return template;
}
