// Renders the README's reference tables of ServerMetadataKey from schema.json, so that a test can
// compare them with the README. Print them with:
//   node -r ts-node/register/transpile-only -e 'require("./test/pulumi/schemaTables").printTables()'
import { readFileSync } from "node:fs";
import path from "node:path";

/** A property of a package schema, as far as the tables use it. */
export interface SchemaProperty {
  readonly type?: string;
  readonly $ref?: string;
  readonly plain?: boolean;
  readonly secret?: boolean;
  readonly description?: string;
  readonly additionalProperties?: SchemaProperty;
  readonly default?: unknown;
  readonly defaultInfo?: { readonly environment: readonly string[] };
}

/** The parts of `schema.json` the tests read. */
export interface PackageSchema {
  readonly name: string;
  readonly version: string;
  readonly config: { readonly variables: Record<string, SchemaProperty> };
  readonly types: Record<string, { readonly type: string; readonly enum: ReadonlyArray<{ readonly value: unknown }> }>;
  readonly resources: Record<
    string,
    {
      readonly inputProperties: Record<string, SchemaProperty>;
      readonly requiredInputs: readonly string[];
      readonly properties: Record<string, SchemaProperty>;
      readonly required: readonly string[];
    }
  >;
  readonly functions: Record<
    string,
    {
      readonly inputs: { readonly properties: Record<string, SchemaProperty>; readonly required: readonly string[] };
      readonly outputs: { readonly properties: Record<string, SchemaProperty>; readonly required: readonly string[] };
    }
  >;
}

export const SCHEMA_PATH = path.resolve(__dirname, "../../schema.json");
export const RESOURCE_TOKEN = "ecs-metadata:index:ServerMetadataKey";
export const FUNCTION_TOKEN = "ecs-metadata:index:getServerMetadataKey";

/** Reads `schema.json` from the repository root. */
export function loadSchema(): PackageSchema {
  return JSON.parse(readFileSync(SCHEMA_PATH, "utf8")) as PackageSchema;
}

/** Returns the type of a property as the README writes it: a primitive name, or the values of an enum. */
export function describeType(schema: PackageSchema, property: SchemaProperty): string {
  if (property.$ref !== undefined) {
    const token = property.$ref.replace(/^#\/types\//, "");
    return schema.types[token].enum.map((member) => `\`${JSON.stringify(member.value)}\``).join(" or ");
  }
  return property.type ?? "unknown";
}

/** Returns the input table rows of ServerMetadataKey, one Markdown line each. */
export function renderInputRows(schema: PackageSchema): string[] {
  const resource = schema.resources[RESOURCE_TOKEN];
  return Object.entries(resource.inputProperties).map(([name, property]) => {
    const required = resource.requiredInputs.includes(name) ? "yes" : "no";
    return `| \`${name}\` | ${describeType(schema, property)} | ${required} | ${property.description} |`;
  });
}

/** Returns the output table rows of ServerMetadataKey, one Markdown line each, with `or null` for an output that may be null. */
export function renderOutputRows(schema: PackageSchema): string[] {
  const resource = schema.resources[RESOURCE_TOKEN];
  return Object.entries(resource.properties).map(([name, property]) => {
    const nullable = resource.required.includes(name) ? "" : " or `null`";
    return `| \`${name}\` | ${describeType(schema, property)}${nullable} | ${property.description} |`;
  });
}

/** Prints both tables with their headers, ready to paste into the README. */
export function printTables(): void {
  const schema = loadSchema();
  const lines = [
    "| input | type | required | description |",
    "|---|---|---|---|",
    ...renderInputRows(schema),
    "",
    "| output | type | description |",
    "|---|---|---|",
    ...renderOutputRows(schema),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
