import { UINT32_MAX, type Body } from '../protocol/index.ts';
import { base64Image, idNumber, mac, sixDigits, text, uint32, type FieldResult } from './fields.ts';

/**
 * An endpoint's request fields as data (DESIGN §3.2 step 4): the one table the cloud validates a body
 * with (`checkTable`) and the OpenAPI documents describe it from (`fieldSchema`, openapi.ts), so the
 * two cannot disagree.
 */
export type FieldSpec =
  | { type: 'uint32'; min?: number; max?: number }
  | { type: 'text'; min?: number; max?: number }
  | { type: 'mac' }
  | { type: 'six_digits' }
  | { type: 'id_number' }
  | { type: 'base64_image'; maxBytes: number }
  | { type: 'one_of'; values: readonly number[] };

/** Fields in validation order: the first refusal names its field. */
export type FieldTable = Readonly<Record<string, FieldSpec>>;

function checkField(body: Body, name: string, spec: FieldSpec): FieldResult<unknown> {
  switch (spec.type) {
    case 'uint32': return uint32(body, name, spec.min ?? 1, spec.max ?? UINT32_MAX);
    case 'text': return text(body, name, spec.min ?? 0, spec.max ?? Infinity);
    case 'mac': return mac(body, name);
    case 'six_digits': return sixDigits(body, name);
    case 'id_number': return idNumber(body, name);
    case 'base64_image': {
      const r = base64Image(body, name, spec.maxBytes);
      // The handler wants the text as sent (the provider gets it unchanged).
      return r.ok ? { ok: true, value: body[name] } : r;
    }
    case 'one_of': {
      const v = body[name];
      if (typeof v === 'number' && spec.values.includes(v)) return { ok: true, value: v };
      return { ok: false, desc: `${name} must be ${spec.values.length === 1 ? spec.values[0] : `one of ${spec.values.join(', ')}`}` };
    }
  }
}

/**
 * Check a body against a table, in its order; `T` is the typed record the table describes. A plain
 * loop: it runs on every API request, so it builds no closure per field (DESIGN §13).
 */
export function checkTable<T extends object>(table: FieldTable, body: Body): FieldResult<T> {
  const value: Record<string, unknown> = {};
  for (const name of Object.keys(table)) {
    const r = checkField(body, name, table[name]!);
    if (!r.ok) return r;
    value[name] = r.value;
  }
  return { ok: true, value: value as T };
}

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it) of one field. */
export type JsonSchema = Record<string, unknown>;

const ID_NUMBER_PATTERN = '^[0-9]{17}[0-9Xx]$';

/** The JSON Schema of a field: what the check accepts, as far as a schema can say it (the ID check character cannot be). */
export function fieldSchema(spec: FieldSpec): JsonSchema {
  switch (spec.type) {
    case 'uint32': return { type: 'integer', minimum: spec.min ?? 1, maximum: spec.max ?? UINT32_MAX };
    case 'text': return { type: 'string', minLength: spec.min ?? 0, ...(spec.max === undefined ? {} : { maxLength: spec.max }) };
    case 'mac': return { type: 'string', pattern: '^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$' };
    case 'six_digits': return { type: 'string', pattern: '^[0-9]{6}$' };
    case 'id_number': return { type: 'string', pattern: ID_NUMBER_PATTERN, description: 'resident ID number with a valid check character (GB 11643)' };
    case 'base64_image': return { type: 'string', contentEncoding: 'base64', minLength: 1, description: `decodes to at most ${spec.maxBytes} bytes` };
    case 'one_of': return { type: 'integer', enum: [...spec.values] };
  }
}
