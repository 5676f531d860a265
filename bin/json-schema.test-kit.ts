/**
 * Test kit: the subset of JSON Schema (2020-12) that schemas/*.schema.json use, enough to judge a file as
 * an editor would. No validator is a dependency of lockbench, and one is not worth adding for a test; a
 * keyword this kit does not know throws, so a schema cannot grow past what the test really checks.
 */
type Schema = Keywords | boolean;

/** The keywords this kit judges (every other one but annotations throws). */
interface Keywords {
  $ref?: string;
  $defs?: Record<string, Schema>;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema;
  patternProperties?: Record<string, Schema>;
  propertyNames?: Schema;
  minProperties?: number;
  items?: Schema;
  minItems?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  enum?: unknown[];
  const?: unknown;
  oneOf?: Schema[];
  anyOf?: Schema[];
}

const KNOWN = new Set([
  '$schema', '$id', '$ref', '$defs', 'title', 'description', 'type', 'properties', 'required', 'additionalProperties',
  'patternProperties', 'propertyNames', 'minProperties', 'items', 'minItems', 'pattern', 'minimum', 'maximum',
  'exclusiveMinimum', 'enum', 'const', 'oneOf', 'anyOf',
]);

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function hasType(v: unknown, t: string): boolean {
  if (t === 'integer') return typeof v === 'number' && Number.isInteger(v);
  return typeOf(v) === t;
}

/** Every error of `value` against `schema` (`root` resolves `$ref`s), as "path: why". */
export function schemaErrors(root: Schema, value: unknown, schema: Schema = root, path = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: not allowed`];
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) throw new Error(`json-schema kit: unsupported keyword ${k} at ${path}`);
  const errors: string[] = [];
  const s = schema;
  if (s.$ref !== undefined) {
    const m = /^#\/\$defs\/(.+)$/.exec(s.$ref);
    const target = m && typeof root === 'object' ? root.$defs?.[m[1]!] : undefined;
    if (target === undefined) throw new Error(`json-schema kit: unsupported or dangling $ref ${s.$ref}`);
    errors.push(...schemaErrors(root, value, target, path));
  }
  if (s.type !== undefined && ![s.type].flat().some((t) => hasType(value, t))) return [...errors, `${path}: must be ${[s.type].flat().join(' or ')}`];
  if (s.const !== undefined && value !== s.const) errors.push(`${path}: must be ${JSON.stringify(s.const)}`);
  if (s.enum !== undefined && !s.enum.includes(value)) errors.push(`${path}: must be one of ${JSON.stringify(s.enum)}`);
  if (s.anyOf && !s.anyOf.some((sub) => schemaErrors(root, value, sub, path).length === 0)) errors.push(`${path}: matches none of anyOf`);
  if (s.oneOf && s.oneOf.filter((sub) => schemaErrors(root, value, sub, path).length === 0).length !== 1) errors.push(`${path}: must match exactly one of oneOf`);
  if (typeof value === 'string' && s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(value)) errors.push(`${path}: must match ${s.pattern}`);
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) errors.push(`${path}: must be ≥ ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) errors.push(`${path}: must be ≤ ${s.maximum}`);
    if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) errors.push(`${path}: must be > ${s.exclusiveMinimum}`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) errors.push(`${path}: needs at least ${s.minItems} items`);
    const items = s.items;
    if (items !== undefined) value.forEach((v, i) => errors.push(...schemaErrors(root, v, items, `${path}[${i}]`)));
  }
  if (typeOf(value) === 'object') {
    const o = value as Record<string, unknown>;
    for (const r of s.required ?? []) if (!(r in o)) errors.push(`${path}.${r}: is required`);
    if (s.minProperties !== undefined && Object.keys(o).length < s.minProperties) errors.push(`${path}: needs at least ${s.minProperties} keys`);
    for (const [k, v] of Object.entries(o)) {
      const p = `${path}.${k}`;
      if (s.propertyNames !== undefined) errors.push(...schemaErrors(root, k, s.propertyNames, p));
      const props = s.properties ?? {};
      const patterns = Object.entries(s.patternProperties ?? {}).filter(([re]) => new RegExp(re, 'u').test(k));
      if (k in props) errors.push(...schemaErrors(root, v, props[k]!, p));
      for (const [, sub] of patterns) errors.push(...schemaErrors(root, v, sub, p));
      if (!(k in props) && patterns.length === 0 && s.additionalProperties !== undefined) errors.push(...schemaErrors(root, v, s.additionalProperties, p));
    }
  }
  return errors;
}
