/**
 * The JSON Schema of bench files (schemas/bench.schema.json), built from the same tables the loader reads
 * (bench-file.ts), so an editor completes exactly the keys the loader takes. What the schema cannot say —
 * a secret's variable being set, `default_place` naming a place — the loader checks at run time.
 * `node --import tsx bin/bench-schema.ts > schemas/bench.schema.json` rewrites the shipped file.
 */
import { PLACE_REQUIRED, PLACE_SETTINGS, RUN_SETTINGS, TARGETS, type Setting } from './bench-file.ts';

type Schema = Record<string, unknown>;

const SECRET_REF: Schema = {
  type: 'object',
  description: 'a secret, by reference: {"env": "VARIABLE"} (never inline)',
  properties: { env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } },
  required: ['env'],
  additionalProperties: false,
};

function schemaOf(s: Setting): Schema {
  const about = { description: `sets ${s.variable} (README: Variables)` };
  const k = s.kind;
  switch (k.is) {
    case 'secret': return { $ref: '#/$defs/secret', ...about };
    case 'text': return { type: 'string', pattern: '^\\S.{0,1023}$', ...about };
    case 'path': return { type: 'string', pattern: '^\\S.{0,4095}$', ...about, description: `${about.description}; relative to the bench file` };
    case 'url': return { type: 'string', pattern: '^https?://\\S+$', ...about };
    case 'id': return { type: 'integer', minimum: 1, maximum: 0xffffffff, ...about };
    case 'int': return { type: 'integer', minimum: k.min, maximum: k.max, ...about };
    case 'number': return { type: 'number', exclusiveMinimum: k.min, ...about };
    case 'profile': return { enum: ['kexin-2017-03', 'kexin-2017-10'], ...about };
    case 'flag': return { type: 'boolean', ...about };
    case 'ids': return { type: 'array', minItems: 1, items: { type: 'integer', minimum: 1, maximum: 0xffffffff }, ...about };
    case 'names': return { type: 'array', items: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$' }, ...about };
  }
}

const objectOf = (settings: readonly Setting[], extra: Schema = {}, required: readonly string[] = []): Schema => ({
  type: 'object',
  properties: { ...extra, ...Object.fromEntries(settings.map((s) => [s.key, schemaOf(s)])) },
  ...(required.length ? { required } : {}),
  additionalProperties: false,
});

/** The bench file's schema. */
export function benchSchema(): Schema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'lockbench bench file',
    description: 'The places of one bench (docs/bench-file.md): each becomes the LOCKBENCH_* variables of its target; real variables override.',
    type: 'object',
    properties: {
      $schema: { type: 'string', description: 'the schema an editor completes this file with; ignored by lockbench' },
      run: { $ref: '#/$defs/run' },
      default_place: { type: 'string', description: 'the place used without --place (needed when there are several)' },
      places: { type: 'object', minProperties: 1, propertyNames: { pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' }, additionalProperties: { $ref: '#/$defs/place' } },
    },
    required: ['places'],
    additionalProperties: false,
    $defs: {
      secret: SECRET_REF,
      run: { ...objectOf(RUN_SETTINGS), description: 'settings of every run; a place\'s own run wins' },
      place: { oneOf: TARGETS.map((t) => ({ $ref: `#/$defs/${t}` })) },
      ...Object.fromEntries(TARGETS.map((t) => [t, objectOf(PLACE_SETTINGS[t], { target: { const: t }, run: { $ref: '#/$defs/run' } }, ['target', ...PLACE_REQUIRED[t]])])),
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${JSON.stringify(benchSchema(), null, 2)}\n`);
