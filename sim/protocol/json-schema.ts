/**
 * The JSON Schema keywords the API's OpenAPI documents use (sim/cloud/openapi.ts), checked in
 * process: `type` (one name), `properties`, `required`, `enum`, `const`, `minimum`, `maximum`,
 * `minLength`, `maxLength` (in code points), `pattern`, and `if`/`then`/`else`. Annotations
 * (`description`, `contentEncoding`) are ignored as JSON Schema 2020-12 says; any other keyword is a
 * bug of the document, thrown, so a document cannot quietly use more than is checked here.
 * `json-schema.test.ts` holds its verdicts to those of the Python `jsonschema` package.
 */

/** A JSON Schema object. */
export type Schema = { readonly [keyword: string]: unknown };

/** One violation: where (a JSON path from `$`) and what. */
export interface SchemaProblem {
  path: string;
  message: string;
}

const ANNOTATIONS = new Set(['description', 'contentEncoding', 'title']);
const KNOWN = new Set(['type', 'properties', 'required', 'enum', 'const', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'if', 'then', 'else', ...ANNOTATIONS]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Whether `v` is of JSON Schema type `t` (an integer is also a number). */
function isType(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

/** Every way `value` breaks `schema`, with JSON paths under `at`; [] when it conforms. */
export function schemaProblems(schema: Schema, value: unknown, at = '$'): SchemaProblem[] {
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) throw new Error(`json-schema: keyword "${k}" at ${at} is not supported`);
  const out: SchemaProblem[] = [];
  const bad = (message: string): void => void out.push({ path: at, message });
  if (typeof schema.type === 'string' && !isType(value, schema.type)) {
    bad(`must be ${schema.type}, is ${typeOf(value)}`);
    return out;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) bad(`must be one of ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && schema.const !== value) bad(`must be ${JSON.stringify(schema.const)}`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) bad(`must be ≥ ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) bad(`must be ≤ ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    const len = [...value].length;
    if (typeof schema.minLength === 'number' && len < schema.minLength) bad(`must be at least ${schema.minLength} characters`);
    if (typeof schema.maxLength === 'number' && len > schema.maxLength) bad(`must be at most ${schema.maxLength} characters`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) bad(`must match ${schema.pattern}`);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const name of (schema.required as string[] | undefined) ?? []) if (!(name in obj)) bad(`must have "${name}"`);
    const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [name, sub] of Object.entries(props)) if (name in obj) out.push(...schemaProblems(sub, obj[name], `${at}.${name}`));
  }
  if (schema.if !== undefined) {
    const branch = schemaProblems(schema.if as Schema, value, at).length === 0 ? schema.then : schema.else;
    if (branch !== undefined) out.push(...schemaProblems(branch as Schema, value, at));
  }
  return out;
}
