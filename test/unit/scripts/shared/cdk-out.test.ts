import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStackTemplate, readTemplates } from '../../../../scripts/shared/cdk-out.js';

function assembly(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cdk-out-'));
  writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      artifacts: {
        Tree: { type: 'cdk:tree' },
        Events: {
          type: 'aws:cloudformation:stack',
          properties: { templateFile: 'Events.template.json', stackName: 'OrderEvents' },
        },
      },
    }),
  );
  writeFileSync(
    path.join(dir, 'Events.template.json'),
    JSON.stringify({
      Resources: { Bus: { Type: 'AWS::Events::EventBus' } },
      Outputs: { BusName: { Value: 'b' } },
    }),
  );
  return dir;
}

describe('readTemplates', () => {
  it('reads every stack of the manifest by its deployed name, with resources and outputs', () => {
    expect(readTemplates(assembly())).toEqual([
      {
        stackName: 'OrderEvents',
        resources: { Bus: { Type: 'AWS::Events::EventBus' } },
        outputs: { BusName: { Value: 'b' } },
      },
    ]);
  });

  it('says what to do when there is no synth yet', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'cdk-out-'));
    mkdirSync(empty, { recursive: true });
    expect(() => readTemplates(empty, 'the tool needs them')).toThrow(
      /manifest.json is missing: the tool needs them\. Deploy first/,
    );
  });

  it('names the stack that the synthesized app lacks', () => {
    expect(() => readStackTemplate('OrderFulfilment', assembly())).toThrow(/has no OrderFulfilment stack/);
  });
});
