import { isSchemaObject, resolveLocalRef, type SchemaObject } from './json-schema.js';
import { copyKeywords, copyNumberBounds, declaredTypes, enumValues, makeNullable, valueHasType } from './schema-keywords.js';

/** The parameters schema offered to the model for one MCP tool. */
export interface ToolParameters {
  /** The JSON schema sent as the function's `parameters`. */
  readonly parameters: SchemaObject;
  /** True when `parameters` is valid for OpenAI strict mode. */
  readonly strict: boolean;
  /** Why the schema could not be made strict (when `strict` is false). */
  readonly notStrictBecause?: string;
}

/** String formats OpenAI strict mode accepts; other formats are mentioned in the description instead. */
const STRICT_STRING_FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid']);

/** Keywords that carry no constraint (so a schema with only these accepts any value). */
const ANNOTATION_KEYWORDS = new Set([
  'title', 'description', 'default', 'examples', '$comment', '$schema', '$id', '$anchor', 'readOnly', 'writeOnly', 'deprecated', '$defs', 'definitions',
]);

const DEFS_PREFIXES = ['#/$defs/', '#/definitions/'];

class NotStrictable extends Error {}

/**
 * Converts an MCP tool's `inputSchema` into a schema OpenAI strict mode accepts: every object
 * closed (`additionalProperties: false`) with all its properties required, the originally optional
 * ones made nullable, `oneOf` turned into `anyOf`, mergeable `allOf` merged, `const` turned into a
 * one-value `enum`, and keywords strict mode rejects removed (`default`, unsupported `format`s and
 * `uniqueItems` are kept as words in the description, so the model still knows).
 *
 * A schema that cannot be expressed without changing what it accepts (free-form objects and maps,
 * values of any type, tuples, unmergeable `allOf`, external `$ref`s) is returned as it came, with
 * `strict: false`, rather than advertised as strict while meaning something else.
 */
export function toToolParameters(inputSchema: unknown): ToolParameters {
  try {
    return { parameters: new StrictSchemaConverter(inputSchema).convertRoot(), strict: true };
  } catch (error) {
    if (!(error instanceof NotStrictable)) throw error;
    return { parameters: looseParameters(inputSchema), strict: false, notStrictBecause: error.message };
  }
}

/** The schema as the server gave it (minus `$schema`), for a tool offered with `strict: false`. */
export function looseParameters(inputSchema: unknown): SchemaObject {
  if (!isSchemaObject(inputSchema)) return { type: 'object', properties: {} };
  const { $schema: _ignored, ...rest } = inputSchema;
  return { ...rest, type: 'object', properties: isSchemaObject(rest['properties']) ? rest['properties'] : {} };
}

class StrictSchemaConverter {
  /** Converted definitions by name; a placeholder is set before converting one, which keeps recursion finite. */
  private readonly defs = new Map<string, SchemaObject>();
  /** `$ref`s being inlined right now, to detect recursion. */
  private readonly inlining = new Set<string>();

  constructor(private readonly root: unknown) {}

  convertRoot(): SchemaObject {
    if (!isSchemaObject(this.root)) throw new NotStrictable('the input schema is not a JSON object');
    let rootSchema: unknown = this.root;
    for (let hops = 0; isSchemaObject(rootSchema) && typeof rootSchema['$ref'] === 'string'; hops++) {
      if (hops > 32) throw new NotStrictable('the input schema is a cycle of $refs');
      rootSchema = this.resolve(rootSchema['$ref'], 'the arguments');
    }
    const converted = this.convert(rootSchema, '', true);
    if (converted['type'] !== 'object') throw new NotStrictable('the arguments are not described as one object');
    if (this.defs.size > 0) converted['$defs'] = Object.fromEntries(this.defs);
    return converted;
  }

  private convert(schema: unknown, path: string, isRoot = false): SchemaObject {
    if (schema === true || (isSchemaObject(schema) && Object.keys(schema).every((key) => ANNOTATION_KEYWORDS.has(key)))) {
      throw new NotStrictable(`${describePath(path)} accepts any JSON value`);
    }
    if (!isSchemaObject(schema)) throw new NotStrictable(`${describePath(path)} is not a schema object`);
    if (typeof schema['$ref'] === 'string') return this.convertRef(schema, schema['$ref'], path);
    if (schema['allOf'] !== undefined) return this.convert(this.mergeAllOf(schema, path), path, isRoot);
    if (schema['anyOf'] !== undefined || schema['oneOf'] !== undefined) return this.convertUnion(schema, path);

    const notes: string[] = [];
    const types = declaredTypes(schema);
    if (types.length === 0) throw new NotStrictable(`${describePath(path)} does not say what type it is`);
    const nonNull = types.filter((type) => type !== 'null');
    let converted: SchemaObject;
    if (nonNull.length > 1) {
      const branches = nonNull.flatMap((type) => this.convertTypedOrSkip(schema, type, path, notes));
      if (types.includes('null')) branches.push({ type: 'null' });
      converted = branches.length === 1 ? branches[0]! : { anyOf: branches };
    } else {
      converted = this.convertTyped(schema, nonNull[0] ?? 'null', path, notes, isRoot);
      if (types.includes('null')) converted = makeNullable(converted);
    }
    return withDescription(converted, schema, notes);
  }

  /** Like {@link convertTyped} for one member of a type list; a member with no enum value left is dropped. */
  private convertTypedOrSkip(schema: SchemaObject, type: string, path: string, notes: string[]): SchemaObject[] {
    const values = enumValues(schema);
    if (values && !values.some((value) => valueHasType(value, type))) return [];
    return [this.convertTyped(schema, type, path, notes, false)];
  }

  private convertTyped(schema: SchemaObject, type: string, path: string, notes: string[], isRoot: boolean): SchemaObject {
    const out: SchemaObject = type === 'object' ? this.convertObject(schema, path, isRoot) : { type };
    const values = enumValues(schema);
    if (values) {
      const ofType = values.filter((value) => valueHasType(value, type));
      if (ofType.length === 0) throw new NotStrictable(`${describePath(path)} has no enum value of type ${type}`);
      out['enum'] = ofType;
    }
    switch (type) {
      case 'string':
        copyKeywords(schema, out, ['pattern', 'minLength', 'maxLength']);
        if (typeof schema['format'] === 'string') {
          if (STRICT_STRING_FORMATS.has(schema['format'])) out['format'] = schema['format'];
          else notes.push(`format: ${schema['format']}`);
        }
        break;
      case 'number':
      case 'integer':
        copyNumberBounds(schema, out);
        break;
      case 'array':
        Object.assign(out, this.convertArray(schema, path, notes));
        break;
      case 'object':
      case 'boolean':
      case 'null':
        break;
      default:
        throw new NotStrictable(`${describePath(path)} has unknown type ${JSON.stringify(type)}`);
    }
    return out;
  }

  private convertObject(schema: SchemaObject, path: string, isRoot: boolean): SchemaObject {
    const properties = isSchemaObject(schema['properties']) ? schema['properties'] : {};
    const keys = Object.keys(properties);
    const additional = schema['additionalProperties'];
    if (isSchemaObject(schema['patternProperties']) && Object.keys(schema['patternProperties']).length > 0) {
      throw new NotStrictable(`${describePath(path)} allows extra properties by pattern (patternProperties)`);
    }
    if (isSchemaObject(additional) || (keys.length === 0 && additional === true) || (keys.length === 0 && !isRoot && additional !== false)) {
      throw new NotStrictable(`${describePath(path)} is an object with free-form keys`);
    }
    const required = new Set(Array.isArray(schema['required']) ? schema['required'].filter((key) => typeof key === 'string') : []);
    for (const key of required) {
      if (!Object.hasOwn(properties, key)) throw new NotStrictable(`${describePath(path)} requires "${key}" without describing it`);
    }
    const converted = keys.map((key): [string, SchemaObject] => {
      const property = this.convert(properties[key], joinPath(path, key));
      return [key, required.has(key) ? property : makeNullable(property)];
    });
    return { type: 'object', properties: Object.fromEntries(converted), required: keys, additionalProperties: false };
  }

  private convertArray(schema: SchemaObject, path: string, notes: string[]): SchemaObject {
    const items = schema['items'];
    if (Array.isArray(items) || schema['prefixItems'] !== undefined) {
      throw new NotStrictable(`${describePath(path)} is a tuple (positional item schemas)`);
    }
    if (items === undefined) throw new NotStrictable(`${describePath(path)} is an array of any values (no items schema)`);
    const out: SchemaObject = { items: this.convert(items, `${path}[]`) };
    copyKeywords(schema, out, ['minItems', 'maxItems']);
    if (schema['uniqueItems'] === true) notes.push('items must be unique');
    return out;
  }

  private convertUnion(schema: SchemaObject, path: string): SchemaObject {
    if (schema['anyOf'] !== undefined && schema['oneOf'] !== undefined) {
      throw new NotStrictable(`${describePath(path)} combines anyOf and oneOf`);
    }
    const branches = schema['anyOf'] ?? schema['oneOf'];
    if (!Array.isArray(branches) || branches.length === 0) throw new NotStrictable(`${describePath(path)} has an empty union`);
    const constraints = Object.keys(schema).filter((key) => !ANNOTATION_KEYWORDS.has(key) && key !== 'anyOf' && key !== 'oneOf');
    if (constraints.length > 0) return this.convert(this.distributeIntoBranches(schema, branches, constraints, path), path);
    const converted = branches.flatMap((branch) => {
      const result = this.convert(branch, path);
      // A nested plain union adds nothing over its branches.
      return Object.keys(result).length === 1 && Array.isArray(result['anyOf']) ? (result['anyOf'] as SchemaObject[]) : [result];
    });
    const union = converted.length === 1 ? converted[0]! : { anyOf: converted };
    return withDescription(union, schema, []);
  }

  /**
   * A union with constraints beside it (`{ type: 'object', oneOf: [...] }`, as github-mcp-server writes
   * it, or shared `properties` next to a `oneOf` of `required` lists) means each branch together with
   * those constraints. A `type` is intersected with each branch's (branches left with no type are
   * dropped); object keywords are merged into each branch as an `allOf`. Anything else cannot be
   * distributed without changing what the schema accepts.
   */
  private distributeIntoBranches(schema: SchemaObject, branches: unknown[], constraints: string[], path: string): SchemaObject {
    const objectKeywords = ['type', 'properties', 'required', 'additionalProperties'];
    const unsupported = constraints.filter((key) => !objectKeywords.includes(key));
    if (unsupported.length > 0) {
      throw new NotStrictable(`${describePath(path)} combines a union with other constraints (${unsupported.join(', ')})`);
    }
    const siblings = Object.fromEntries(constraints.map((key) => [key, schema[key]]));
    const outerTypes = declaredTypes(siblings);
    const distributed = branches.flatMap((branch): SchemaObject[] => {
      const resolved = this.resolveBranch(branch, path);
      const branchTypes = declaredTypes(resolved);
      const types = branchTypes.length === 0 ? outerTypes : branchTypes.filter((type) => outerTypes.includes(type) || (type === 'integer' && outerTypes.includes('number')));
      if (types.length === 0) return [];
      const typed: SchemaObject = { ...resolved, type: types.length === 1 ? types[0] : types };
      const { type: _type, ...objectSiblings } = siblings;
      return [Object.keys(objectSiblings).length === 0 ? typed : { allOf: [{ type: 'object', ...objectSiblings }, typed] }];
    });
    if (distributed.length === 0) throw new NotStrictable(`${describePath(path)} has a union none of whose branches fits its type`);
    const annotations = Object.fromEntries(Object.entries(schema).filter(([key]) => ANNOTATION_KEYWORDS.has(key)));
    return { ...annotations, anyOf: distributed };
  }

  private convertRef(schema: SchemaObject, ref: string, path: string): SchemaObject {
    const constraints = Object.keys(schema).filter((key) => !ANNOTATION_KEYWORDS.has(key) && key !== '$ref');
    if (constraints.length > 0) {
      const { $ref: _ref, ...siblings } = schema;
      return this.convert({ allOf: [{ $ref: ref }, siblings] }, path);
    }
    const target = this.resolve(ref, describePath(path));
    const defName = definitionName(ref);
    const annotated = schema['description'] !== undefined || schema['default'] !== undefined;
    if (defName !== undefined && (!annotated || this.inlining.has(ref))) {
      this.ensureDefinition(defName, target);
      return { $ref: `#/$defs/${encodePointerToken(defName)}` };
    }
    if (ref === '#') return { $ref: '#' };
    if (this.inlining.has(ref)) throw new NotStrictable(`${describePath(path)} is recursive through ${ref}`);
    // OpenAI rejects `$ref` with sibling keywords, so an annotated reference is inlined.
    this.inlining.add(ref);
    try {
      return withDescription(this.convert(target, path), schema, []);
    } finally {
      this.inlining.delete(ref);
    }
  }

  private ensureDefinition(name: string, target: unknown): void {
    if (this.defs.has(name)) return;
    this.defs.set(name, {});
    this.defs.set(name, this.convert(target, `#/$defs/${name}`));
  }

  /** Merges `allOf` branches that are all objects into one object schema (conflicting properties cannot be merged). */
  private mergeAllOf(schema: SchemaObject, path: string): SchemaObject {
    const allOf = schema['allOf'];
    if (!Array.isArray(allOf) || allOf.length === 0) throw new NotStrictable(`${describePath(path)} has an empty allOf`);
    const { allOf: _allOf, ...outer } = schema;
    const parts = [outer, ...allOf.map((branch) => this.resolveBranch(branch, path))];
    if (allOf.length === 1 && Object.keys(outer).every((key) => ANNOTATION_KEYWORDS.has(key))) {
      return { ...parts[1]!, ...outer };
    }
    const properties: [string, unknown][] = [];
    const required = new Set<string>();
    let description: unknown;
    for (const part of parts) {
      const unsupported = Object.keys(part).filter(
        (key) => !ANNOTATION_KEYWORDS.has(key) && !['type', 'properties', 'required', 'additionalProperties'].includes(key),
      );
      if (unsupported.length > 0 || (part['type'] !== undefined && part['type'] !== 'object')) {
        throw new NotStrictable(`${describePath(path)} uses an allOf whose parts are not all plain objects`);
      }
      description ??= part['description'];
      for (const [key, value] of Object.entries(isSchemaObject(part['properties']) ? part['properties'] : {})) {
        const earlier = properties.find(([name]) => name === key);
        if (earlier && JSON.stringify(earlier[1]) !== JSON.stringify(value)) {
          throw new NotStrictable(`${describePath(path)} uses an allOf that describes "${key}" in two different ways`);
        }
        if (!earlier) properties.push([key, value]);
      }
      if (Array.isArray(part['required'])) part['required'].forEach((key) => typeof key === 'string' && required.add(key));
    }
    return {
      type: 'object',
      ...(description === undefined ? {} : { description }),
      properties: Object.fromEntries(properties),
      required: [...required],
    };
  }

  private resolveBranch(branch: unknown, path: string): SchemaObject {
    let node = branch;
    for (let hops = 0; isSchemaObject(node) && typeof node['$ref'] === 'string'; hops++) {
      if (hops > 32) throw new NotStrictable(`${describePath(path)} is a cycle of $refs`);
      node = this.resolve(node['$ref'], describePath(path));
    }
    if (!isSchemaObject(node)) throw new NotStrictable(`${describePath(path)} uses an allOf part that is not a schema object`);
    return node['allOf'] !== undefined ? this.mergeAllOf(node, path) : node;
  }

  private resolve(ref: string, where: string): unknown {
    const target = resolveLocalRef(this.root, ref);
    if (target === undefined) throw new NotStrictable(`${where} refers to ${ref}, which is not a local definition`);
    return target;
  }
}

/** Puts the description first, followed by what the model should know about removed keywords. */
function withDescription(converted: SchemaObject, source: SchemaObject, notes: string[]): SchemaObject {
  const allNotes = [...notes];
  if (source['default'] !== undefined && source['default'] !== null) allNotes.push(`default: ${JSON.stringify(source['default'])}`);
  const description = typeof source['description'] === 'string' && source['description'] !== '' ? source['description'] : undefined;
  const text = description && allNotes.length > 0 ? `${description} (${allNotes.join('; ')})` : (description ?? allNotes.join('; '));
  if (text === '') return converted;
  if (converted['$ref'] !== undefined) return converted;
  return { description: text, ...withoutKey(converted, 'description') };
}

function withoutKey(schema: SchemaObject, key: string): SchemaObject {
  const { [key]: _removed, ...rest } = schema;
  return rest;
}

function definitionName(ref: string): string | undefined {
  const prefix = DEFS_PREFIXES.find((candidate) => ref.startsWith(candidate));
  if (!prefix) return undefined;
  const token = ref.slice(prefix.length);
  if (token === '' || token.includes('/')) return undefined;
  try {
    return decodeURIComponent(token).replace(/~1/g, '/').replace(/~0/g, '~');
  } catch {
    return undefined;
  }
}

function encodePointerToken(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function describePath(path: string): string {
  if (path === '') return 'the arguments object';
  if (path.startsWith('#/$defs/')) return `definition "${path.slice('#/$defs/'.length)}"`;
  return `property "${path}"`;
}
