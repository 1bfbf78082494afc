// schema.json: valid against Pulumi's package metaschema, and in step with the TypeScript types, the
// settings this package reads, and the README's reference tables.
import { readFileSync } from "node:fs";
import path from "node:path";

import Ajv2020 from "ajv/dist/2020";
import ts from "typescript";

import { API_VERSIONS } from "../../provider/client";
import { IF_MISSING_VALUES } from "../../provider/resource/types";
import { resolveRetrySettings, resolveThroughputSettings, SETTING_NAMES } from "../../provider/settings";
import { AUTH_SETTING_NAME_LIST, createHwEnvironmentSource, createStackConfigSource } from "../../provider/settings/extendedSources";
import { REPOSITORY_ROOT } from "../support/providerFixtures";
import {
  FUNCTION_TOKEN,
  loadSchema,
  renderInputRows,
  renderOutputRows,
  RESOURCE_TOKEN,
  type PackageSchema,
  type SchemaProperty,
} from "./schemaTables";

const METASCHEMA_PATH = path.join(REPOSITORY_ROOT, "test/fixtures/provider/pulumi-metaschema/pulumi.json");
const TYPES_PATH = path.join(REPOSITORY_ROOT, "provider/resource/types.ts");
const RESOURCE_PATH = path.join(REPOSITORY_ROOT, "provider/resource/serverMetadataKey.ts");

const schema = loadSchema();

function compileMetaschema() {
  // The metaschema gives some keywords a list of types, such as `"type": ["boolean", "number", "string"]`.
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
  ajv.addFormat("regex", (value: string) => {
    try {
      new RegExp(value, "u");
      return true;
    } catch {
      return false;
    }
  });
  // NOTE: checks that the reference parses as a URL relative to a base, which is looser than RFC 3986's grammar.
  ajv.addFormat("uri-reference", (value: string) => URL.canParse(value, "https://example.com/schema.json"));
  return ajv.compile(JSON.parse(readFileSync(METASCHEMA_PATH, "utf8")));
}

/** Property of a TypeScript interface or class: its name, whether it is optional, and its type as written. */
interface TypeScriptProperty {
  readonly name: string;
  readonly optional: boolean;
  readonly typeText: string;
}

/** Reads the properties of the interface or class `name` declared in `file`, with the TypeScript compiler's parser. */
function readDeclaredProperties(file: string, name: string): TypeScriptProperty[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const declaration = source.statements.find(
    (statement): statement is ts.InterfaceDeclaration | ts.ClassDeclaration =>
      (ts.isInterfaceDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name?.text === name,
  );
  if (declaration === undefined) {
    throw new Error(`${path.basename(file)} declares no interface or class ${name}`);
  }

  const properties: TypeScriptProperty[] = [];
  for (const member of declaration.members) {
    if ((ts.isPropertySignature(member) || ts.isPropertyDeclaration(member)) && member.type !== undefined) {
      properties.push({ name: member.name.getText(source), optional: member.questionToken !== undefined, typeText: member.type.getText(source) });
    }
  }
  return properties;
}

/** Type of a property in the terms both sides share: `string`, `boolean`, or the name of an enum type. */
interface ComparableType {
  readonly name: string;
  readonly nullable: boolean;
  readonly eventual: boolean;
}

function typeOfTypeScript(typeText: string): ComparableType {
  const wrapper = /^pulumi\.(Input|Output)<(.+)>$/.exec(typeText);
  const inner = wrapper === null ? typeText : wrapper[2];
  const nullable = / \| null$/.test(inner);
  return { name: inner.replace(/ \| null$/, ""), nullable, eventual: wrapper?.[1] === "Input" };
}

function typeOfSchema(property: SchemaProperty): string {
  return property.$ref !== undefined ? property.$ref.replace(/^#\/types\/ecs-metadata:index:/, "") : property.type!;
}

/** Compares inputs: names, types, optional against required, and Input against `plain`. */
function expectInputsToMatch(properties: TypeScriptProperty[], specs: Record<string, SchemaProperty>, required: readonly string[]) {
  expect(properties.map((property) => property.name)).toEqual(Object.keys(specs));
  for (const property of properties) {
    const type = typeOfTypeScript(property.typeText);
    const spec = specs[property.name];
    expect({ name: property.name, type: type.name }).toEqual({ name: property.name, type: typeOfSchema(spec) });
    expect({ name: property.name, required: !property.optional }).toEqual({ name: property.name, required: required.includes(property.name) });
  }
}

/** Compares outputs: names, types, and `| null` against required. */
function expectOutputsToMatch(properties: TypeScriptProperty[], specs: Record<string, SchemaProperty>, required: readonly string[]) {
  expect(properties.map((property) => property.name)).toEqual(Object.keys(specs));
  for (const property of properties) {
    const type = typeOfTypeScript(property.typeText);
    expect({ name: property.name, type: type.name }).toEqual({ name: property.name, type: typeOfSchema(specs[property.name]) });
    expect({ name: property.name, required: !type.nullable && !property.optional }).toEqual({
      name: property.name,
      required: required.includes(property.name),
    });
  }
}

describe("schema.json against Pulumi's metaschema", () => {
  const validate = compileMetaschema();

  it("is valid", () => {
    const valid = validate(schema);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("rejects a resource type that starts with a digit", () => {
    const broken = { ...schema, resources: { "ecs-metadata:index:9Key": schema.resources[RESOURCE_TOKEN] } };
    expect(validate(broken)).toBe(false);
  });

  it("rejects a primitive property with items", () => {
    const resource = schema.resources[RESOURCE_TOKEN];
    const broken = {
      ...schema,
      resources: { [RESOURCE_TOKEN]: { ...resource, inputProperties: { key: { type: "string", items: { type: "string" } } } } },
    };
    expect(validate(broken)).toBe(false);
  });

  it("rejects an unknown top-level field", () => {
    expect(validate({ ...schema, inputs: {} })).toBe(false);
  });
});

describe("schema.json against the TypeScript types", () => {
  const resource = schema.resources[RESOURCE_TOKEN];
  const fn = schema.functions[FUNCTION_TOKEN];

  it("has the resource's inputs", () => {
    expectInputsToMatch(readDeclaredProperties(TYPES_PATH, "ServerMetadataKeyArgs"), resource.inputProperties, resource.requiredInputs);
  });

  it("marks exactly the inputs that take no Output as plain", () => {
    const plain = readDeclaredProperties(TYPES_PATH, "ServerMetadataKeyArgs")
      .filter((property) => !typeOfTypeScript(property.typeText).eventual)
      .map((property) => property.name);
    const schemaPlain = Object.entries(resource.inputProperties)
      .filter(([, spec]) => spec.plain === true)
      .map(([name]) => name);
    expect(schemaPlain).toEqual(plain);
  });

  it("has the resource's outputs", () => {
    expectOutputsToMatch(readDeclaredProperties(TYPES_PATH, "ServerMetadataKeyOutputs"), resource.properties, resource.required);
  });

  it("has the outputs the resource class declares", () => {
    expectOutputsToMatch(readDeclaredProperties(RESOURCE_PATH, "ServerMetadataKey"), resource.properties, resource.required);
  });

  it("has the function's inputs", () => {
    expectInputsToMatch(readDeclaredProperties(TYPES_PATH, "ServerMetadataKeyInputs"), fn.inputs.properties, fn.inputs.required);
  });

  it("has the function's outputs", () => {
    expectOutputsToMatch(readDeclaredProperties(TYPES_PATH, "ServerMetadataKeyOutputs"), fn.outputs.properties, fn.outputs.required);
  });

  it("lists the API versions", () => {
    expect(schema.types["ecs-metadata:index:ApiVersion"].enum.map((member) => member.value)).toEqual([...API_VERSIONS]);
  });

  it("lists the ifMissing values", () => {
    expect(schema.types["ecs-metadata:index:IfMissing"].enum.map((member) => member.value)).toEqual([...IF_MISSING_VALUES]);
  });

  it("describes every property", () => {
    const all = [resource.inputProperties, resource.properties, fn.inputs.properties, fn.outputs.properties, schema.config.variables];
    for (const specs of all) {
      for (const [name, spec] of Object.entries(specs)) {
        expect({ name, described: (spec.description ?? "").length > 0 }).toEqual({ name, described: true });
      }
    }
  });

  it("has the package's version", () => {
    const packageJson = JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, "package.json"), "utf8")) as { version: string };
    expect(schema.version).toBe(packageJson.version);
  });
});

describe("schema.json against the settings", () => {
  const variables = schema.config.variables;
  const allSettings = [...SETTING_NAMES, ...AUTH_SETTING_NAME_LIST];

  it("has a config variable per setting", () => {
    expect(Object.keys(variables)).toEqual(allSettings);
  });

  it("names the config keys the settings read", () => {
    const configKeys: string[] = [];
    const source = createStackConfigSource((key) => {
      configKeys.push(key);
      return undefined;
    });
    for (const setting of allSettings) {
      source.get(setting);
    }
    expect(configKeys).toEqual(Object.keys(variables).map((name) => `huaweicloud:${name}`));
  });

  it("names the HW_* environment variables the settings read", () => {
    const environment = createHwEnvironmentSource({});
    for (const setting of allSettings) {
      const expected = environment.nameOf(setting);
      expect({ setting, environment: variables[setting].defaultInfo?.environment ?? [] }).toEqual({
        setting,
        environment: expected === undefined ? [] : [expected],
      });
    }
  });

  it("marks the four secret settings", () => {
    const secrets = Object.entries(variables)
      .filter(([, spec]) => spec.secret === true)
      .map(([name]) => name);
    expect(secrets).toEqual(["secretKey", "securityToken", "token", "password"]);
  });

  it("states the retry defaults", () => {
    const defaults = resolveRetrySettings([]);
    expect(variables.maxRetries.default).toBe(defaults.maxRetries);
    expect(variables.lookupTimeout.default).toBe(defaults.deadlineMs / 1000);
  });

  it("states the throughput defaults", () => {
    const defaults = resolveThroughputSettings([]);
    expect(variables.maxRequestsPerSecond.default).toBe(defaults.maxRequestsPerSecond);
    expect(variables.maxConcurrentRequests.default).toBe(defaults.maxConcurrentRequests);
    expect(variables.coalesceLookups.default).toBe(defaults.coalesceLookups);
  });
});

describe("README reference tables", () => {
  const readme = readFileSync(path.join(REPOSITORY_ROOT, "README.md"), "utf8");

  function tableRows(headerStart: string): string[] {
    const lines = readme.split("\n");
    const header = lines.findIndex((line) => line.startsWith(headerStart));
    expect(header).toBeGreaterThanOrEqual(0);
    const rows: string[] = [];
    for (let index = header + 2; index < lines.length && lines[index].startsWith("|"); index++) {
      rows.push(lines[index]);
    }
    return rows;
  }

  it("lists the inputs as the schema does", () => {
    expect(tableRows("| input | type | required | description |")).toEqual(renderInputRows(schema as PackageSchema));
  });

  it("lists the outputs as the schema does", () => {
    expect(tableRows("| output | type | description |")).toEqual(renderOutputRows(schema as PackageSchema));
  });
});
