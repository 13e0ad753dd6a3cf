import { CfnResource, type IAspect } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type { IConstruct } from 'constructs';

/** Metadata key under which a stood-in resource keeps its AWS definition for the bridge. */
export const EMULATOR_BRIDGE_METADATA = 'EmulatorBridge';

/**
 * Resource types the local emulator's CloudFormation rejects outright ("Unrecognized resource
 * types"), failing the whole stack. See docs/emulator-parity.md.
 */
export const UNSUPPORTED_ON_EMULATOR: ReadonlySet<string> = new Set([
  'AWS::Events::Archive',
  'AWS::Events::EventBusPolicy',
  'AWS::EventSchemas::Registry',
  'AWS::EventSchemas::Schema',
]);

/**
 * Emulator-only: replaces each resource the emulator's CloudFormation cannot create with a
 * no-op stand-in (`AWS::CloudFormation::WaitConditionHandle`). An archive's definition rides in
 * the stand-in's metadata, and scripts/emulator/bridge.ts creates it through the
 * EventBridge API after the deploy; the schema registry has no local counterpart, and a bus
 * policy is left out (the emulator would store it without enforcing it).
 *
 * bin/app.ts applies this only with `--context target=emulator`, which only the local deploy
 * script passes: `cdk deploy` to AWS synthesizes the real resources.
 */
export class EmulatorCompatibility implements IAspect {
  public visit(node: IConstruct): void {
    if (!(node instanceof CfnResource) || !UNSUPPORTED_ON_EMULATOR.has(node.cfnResourceType)) return;
    if (node instanceof events.CfnArchive) {
      node.addMetadata(EMULATOR_BRIDGE_METADATA, {
        Type: node.cfnResourceType,
        Properties: {
          SourceArn: node.sourceArn,
          EventPattern: node.eventPattern,
          RetentionDays: node.retentionDays,
          Description: node.description,
        },
      });
    }
    node.addOverride('Type', 'AWS::CloudFormation::WaitConditionHandle');
    node.addDeletionOverride('Properties');
  }
}
