import * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import { Construct } from 'constructs';

export interface EventSchemaDefinition {
  /** Schema name in the registry, e.g. `com.example.orders@OrderPlaced.v1`. */
  readonly name: string;
  /** JSON Schema draft-04 document. */
  readonly content: Record<string, unknown>;
  readonly description?: string;
}

export interface EventSchemaRegistryProps {
  readonly schemas: readonly EventSchemaDefinition[];
  /** @default generated */
  readonly registryName?: string;
  readonly description?: string;
}

/**
 * An EventBridge schema registry holding the events' JSON Schemas, so producers and
 * consumers can browse them and generate code bindings. Fed from the zod contracts, never
 * hand-written.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-schema-registry.html
 */
export class EventSchemaRegistry extends Construct {
  public readonly registry: eventschemas.CfnRegistry;
  public readonly schemas: eventschemas.CfnSchema[];

  constructor(scope: Construct, id: string, props: EventSchemaRegistryProps) {
    super(scope, id);
    const names = props.schemas.map((s) => s.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw new Error(`EventSchemaRegistry: schema '${duplicate}' is defined twice.`);
    this.registry = new eventschemas.CfnRegistry(this, 'Registry', {
      registryName: props.registryName,
      description: props.description,
    });
    this.schemas = props.schemas.map(
      (s, i) =>
        new eventschemas.CfnSchema(this, `Schema${i}`, {
          registryName: this.registry.attrRegistryName,
          schemaName: s.name,
          type: 'JSONSchemaDraft4',
          content: JSON.stringify(s.content),
          description: s.description,
        }),
    );
  }
}
