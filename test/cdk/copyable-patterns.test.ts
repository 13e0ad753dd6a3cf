import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A pattern folder is meant to be copied into another project (docs/DESIGN: "every pattern
// folder must stand alone"). This proves it: the files a pattern reaches, copied alone into an
// empty project whose node_modules holds only aws-cdk-lib and constructs, synthesize.

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
/** The packages a copied pattern may import (Node's built-ins aside). */
const PACKAGES = ['aws-cdk-lib', 'constructs'];

interface PatternCase {
  /** The body of app.ts after `const stack = new Stack(app, 'Copied')`. */
  readonly app: string;
  /** Resource types its template must have. */
  readonly resources: readonly string[];
  /** Names exported by the pattern's index.ts that the app imports. */
  readonly imports: readonly string[];
}

const PATTERNS: Record<string, PatternCase> = {
  'event-router': {
    imports: ['BusPublishers', 'EventRouter', 'EventSchemaRegistry'],
    app: `
const router = new EventRouter(stack, 'Router');
router.addRoute('Placed', {
  description: 'Orders placed',
  pattern: { source: ['shop'], detailType: ['OrderPlaced'] },
  targets: [{ queue: new sqs.Queue(stack, 'Work') }],
});
const publisher = new iam.Role(stack, 'Publisher', { assumedBy: new iam.AccountRootPrincipal() });
new BusPublishers(stack, 'Publishers', { bus: router.bus, publishers: [{ grantee: publisher, sources: ['shop'] }] });
new EventSchemaRegistry(stack, 'Schemas', { schemas: [{ name: 'shop@OrderPlaced', content: { type: 'object' } }] });
`,
    resources: [
      'AWS::Events::EventBus',
      'AWS::Events::Archive',
      'AWS::Events::Rule',
      'AWS::Events::EventBusPolicy',
      'AWS::EventSchemas::Registry',
      'AWS::EventSchemas::Schema',
    ],
  },
  'event-store': {
    imports: ['EventStore'],
    app: `
const store = new EventStore(stack, 'Orders');
store.grantAppend(new iam.Role(stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() }));
`,
    resources: ['AWS::DynamoDB::Table', 'AWS::IAM::Policy'],
  },
  'fan-out-topic': {
    imports: ['FanOutTopic'],
    app: `
new FanOutTopic(stack, 'Outcomes').subscribeQueue({ queue: new sqs.Queue(stack, 'Email') });
`,
    resources: ['AWS::SNS::Topic', 'AWS::SNS::Subscription', 'AWS::KMS::Key', 'AWS::CloudWatch::Alarm'],
  },
  'idempotency-table': {
    imports: ['IdempotencyTable'],
    app: `
new IdempotencyTable(stack, 'Idempotency');
`,
    resources: ['AWS::DynamoDB::Table'],
  },
  'kafka-log': {
    imports: ['KafkaConsumer', 'KafkaLog'],
    app: `
const log = new KafkaLog(stack, 'Log', { topicProvisionerEntry: 'handler.ts' });
new KafkaConsumer(stack, 'Audit', { log, entry: 'handler.ts', consumerGroupId: 'audit' });
log.grantProduce(new iam.Role(stack, 'Producer', { assumedBy: new iam.AccountRootPrincipal() }));
`,
    resources: [
      'AWS::MSK::ServerlessCluster',
      'Custom::KafkaTopic',
      'AWS::EC2::VPCEndpoint',
      'AWS::Lambda::EventSourceMapping',
      'AWS::SQS::Queue',
      'AWS::CloudWatch::Alarm',
    ],
  },
  'ops-view': {
    imports: ['OpsView'],
    app: `
const queue = new sqs.Queue(stack, 'Work');
queue.metricApproximateAgeOfOldestMessage().createAlarm(stack, 'Old', { threshold: 60, evaluationPeriods: 1 });
new OpsView(stack, 'Operations');
`,
    resources: ['AWS::CloudWatch::Dashboard', 'AWS::SNS::Topic', 'AWS::CloudWatch::Alarm'],
  },
  'queue-consumer': {
    imports: ['QueueConsumer'],
    app: `
new QueueConsumer(stack, 'Consumer', { source: { queue: new sqs.Queue(stack, 'Work') }, entry: 'handler.ts' });
`,
    resources: [
      'AWS::Lambda::Function',
      'AWS::Lambda::EventSourceMapping',
      'AWS::Logs::LogGroup',
      'AWS::IAM::Role',
      'AWS::CloudWatch::Alarm',
    ],
  },
  'reliable-queue': {
    imports: ['ReliableQueue'],
    app: `
new ReliableQueue(stack, 'Work');
`,
    resources: ['AWS::SQS::Queue', 'AWS::SQS::QueuePolicy', 'AWS::CloudWatch::Alarm'],
  },
  saga: {
    imports: ['Saga'],
    app: `
const step = lambda.Function.fromFunctionArn(stack, 'Step', 'arn:aws:lambda:us-east-1:123456789012:function:step');
new Saga(stack, 'Saga', { steps: [{ name: 'Step', action: step }] });
`,
    resources: ['AWS::StepFunctions::StateMachine', 'AWS::Logs::LogGroup', 'AWS::CloudWatch::Alarm'],
  },
};
const NAMES = Object.keys(PATTERNS);

interface Closure {
  /** Repository-relative paths of the files the pattern's files reach, its own included. */
  readonly files: string[];
  /** Each import that leaves the pattern's folder and lib/shared, or names another package. */
  readonly offending: string[];
}

/** The relative imports reachable from a pattern folder's files, followed transitively. */
function closureOf(root: string, pattern: string): Closure {
  const folder = `lib/patterns/${pattern}/`;
  const allowed = (rel: string) => rel.startsWith(folder) || /^lib\/shared\/[^/]+$/.test(rel);
  const start = fs
    .readdirSync(path.join(root, folder))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `${folder}${f}`);
  const seen = new Set(start);
  const offending: string[] = [];
  const queue = [...start];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const source = fs.readFileSync(path.join(root, file), 'utf8');
    // TypeScript's own scan: import, import type, export from, dynamic import.
    for (const { fileName: spec } of ts.preProcessFile(source, true, true).importedFiles) {
      if (!spec.startsWith('.')) {
        const isPackage = PACKAGES.some((p) => spec === p || spec.startsWith(`${p}/`));
        if (!isPackage && !spec.startsWith('node:')) offending.push(`${file} imports '${spec}'`);
        continue;
      }
      const target = path.relative(
        root,
        path.resolve(root, path.dirname(file), spec.replace(/\.js$/, '.ts')),
      );
      if (!allowed(target)) {
        offending.push(`${file} imports '${spec}' (${target})`);
      } else if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return { files: [...seen].sort(), offending };
}

/** The files a pattern README's "Copying" section lists, one `path` per bullet. */
function readmeFiles(pattern: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, 'lib', 'patterns', pattern, 'README.md'), 'utf8');
  const section = /^## Copying this pattern\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(text)?.[1] ?? '';
  return [...section.matchAll(/^- `([^`]+)`/gm)].map((m) => m[1] ?? '').sort();
}

interface Run {
  readonly code: number;
  readonly output: string;
  readonly resourceTypes: string[];
}

/** Copies the closure into `dir`, adds app.ts and synthesizes it with the project's tsx. */
async function synthesizeCopy(pattern: string, dir: string): Promise<Run> {
  for (const file of closureOf(ROOT, pattern).files) {
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
  }
  fs.mkdirSync(path.join(dir, 'node_modules'));
  for (const p of PACKAGES)
    fs.symlinkSync(path.join(ROOT, 'node_modules', p), path.join(dir, 'node_modules', p));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  // What NodejsFunction looks for even with bundling off: a lock file and the entry.
  fs.writeFileSync(path.join(dir, 'package-lock.json'), '{}');
  fs.writeFileSync(path.join(dir, 'handler.ts'), 'export const handler = async () => ({});\n');
  const { imports, app } = PATTERNS[pattern] as PatternCase;
  fs.writeFileSync(
    path.join(dir, 'app.ts'),
    `import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ${imports.join(', ')} } from './lib/patterns/${pattern}/index.js';

// No built-in CloudFormation validation: about 3 s per synth here, for warnings (as in support.ts).
const app = new App({
  outdir: 'cdk.out',
  builtinCloudFormationValidation: false,
  context: { 'aws:cdk:bundling-stacks': [] },
});
const stack = new Stack(app, 'Copied', { env: { account: '123456789012', region: 'us-east-1' } });
${app}
app.synth();
`,
  );
  const env = { ...process.env };
  delete env.NODE_PATH;
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile(TSX, ['app.ts'], { cwd: dir, env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) || 1 : 0, output: `${stdout}${stderr}` }),
    );
  });
  const templateFile = path.join(dir, 'cdk.out', 'Copied.template.json');
  const resources = fs.existsSync(templateFile)
    ? (JSON.parse(fs.readFileSync(templateFile, 'utf8')).Resources as Record<string, { Type: string }>)
    : {};
  return { code, output, resourceTypes: [...new Set(Object.values(resources).map((r) => r.Type))] };
}

describe('copyable patterns', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'copyable-'));
  const runs = new Map<string, Run>();
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  beforeAll(async () => {
    // GIVEN each pattern's files alone in a fresh project; WHEN its app synthesizes (all at once)
    const started = Date.now();
    await Promise.all(
      NAMES.map(async (name) => {
        const dir = path.join(tmp, name);
        fs.mkdirSync(dir);
        runs.set(name, await synthesizeCopy(name, dir));
      }),
    );
    console.log(`copyable patterns: ${NAMES.length} synths in ${Date.now() - started} ms`);
  }, 90_000);

  it.each(NAMES)('%s reaches only its own folder, lib/shared, aws-cdk-lib and constructs', (name) => {
    // THEN
    expect(closureOf(ROOT, name).offending).toEqual([]);
  });

  it.each(NAMES)('%s README names exactly the files to copy', (name) => {
    // THEN
    expect(readmeFiles(name)).toEqual(closureOf(ROOT, name).files);
  });

  it.each(NAMES)('%s synthesizes from those files alone', (name) => {
    // THEN
    const run = runs.get(name);
    expect({ code: run?.code, output: run?.code === 0 ? '' : run?.output }).toEqual({ code: 0, output: '' });
    expect(run?.resourceTypes).toEqual(expect.arrayContaining([...(PATTERNS[name]?.resources ?? [])]));
  });

  it('names an import that leaves the folder, and a package other than aws-cdk-lib and constructs', () => {
    // GIVEN a pattern that reaches into the app's contracts and imports zod
    const root = fs.mkdtempSync(path.join(tmp, 'leaky-'));
    fs.mkdirSync(path.join(root, 'lib', 'patterns', 'leaky'), { recursive: true });
    fs.mkdirSync(path.join(root, 'lib', 'shared'));
    fs.writeFileSync(
      path.join(root, 'lib', 'patterns', 'leaky', 'index.ts'),
      "export * from './leaky.js';\nimport type { X } from '../../shared/helper.js';\n",
    );
    fs.writeFileSync(
      path.join(root, 'lib', 'patterns', 'leaky', 'leaky.ts'),
      "import { z } from 'zod';\nimport { Stack } from 'aws-cdk-lib';\n",
    );
    fs.writeFileSync(
      path.join(root, 'lib', 'shared', 'helper.ts'),
      "import { SOURCE } from '../../contracts/events/sources.js';\n",
    );
    // WHEN
    const closure = closureOf(root, 'leaky');
    // THEN
    expect(closure.offending).toEqual([
      "lib/patterns/leaky/leaky.ts imports 'zod'",
      "lib/shared/helper.ts imports '../../contracts/events/sources.js' (contracts/events/sources.ts)",
    ]);
    expect(closure.files).toEqual([
      'lib/patterns/leaky/index.ts',
      'lib/patterns/leaky/leaky.ts',
      'lib/shared/helper.ts',
    ]);
  });
});
