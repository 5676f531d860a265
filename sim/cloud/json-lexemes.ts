/**
 * What JSON.parse forgets: how a number was written. DESIGN §3.2 step 4 refuses floats for uint32
 * fields, and `1000001.0` or `1.000001e6` parse to the integer 1000001 — only the text tells.
 */

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** Index just past the string token that starts at `i` (a `"`). */
function endOfString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j + 1;
  }
  return text.length;
}

/**
 * The top-level keys of a JSON object text whose number value is written with a fraction or an
 * exponent. Run on text JSON.parse accepted; a repeated key counts by its last value, as in JSON.parse.
 */
export function nonIntegralNumberKeys(text: string): Set<string> {
  const keys = new Set<string>();
  let depth = 0;
  let expectKey = false;
  let key: string | null = null;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = endOfString(text, i);
      if (depth === 1 && expectKey) {
        key = JSON.parse(text.slice(i, end)) as string;
        expectKey = false;
      } else if (depth === 1 && key !== null) keys.delete(key);
      i = end;
      continue;
    }
    if (c === '{' || c === '[') {
      if (depth === 1 && key !== null) keys.delete(key);
      depth++;
      expectKey = depth === 1 && c === '{';
    } else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) expectKey = true;
    else if (depth === 1 && key !== null && (c === '-' || (c >= '0' && c <= '9'))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (m) {
        if (m[1] !== undefined || m[2] !== undefined) keys.add(key);
        else keys.delete(key);
        i += m[0].length;
        continue;
      }
    } else if (depth === 1 && key !== null && /[tfn]/.test(c)) keys.delete(key);
    i++;
  }
  return keys;
}

/** Stands, in the fields checked by §3.2 step 4, for a number written with a fraction or an exponent. */
export class NonIntegralNumber {
  constructor(readonly value: number) {}
}

/**
 * The body as field validation sees it: members written as non-integral numbers are replaced by a
 * `NonIntegralNumber`, which no integer field accepts. Built from entries, so `__proto__` stays a member.
 */
export function lexicalView(body: Record<string, unknown>, nonIntegral: ReadonlySet<string>): Record<string, unknown> {
  if (nonIntegral.size === 0) return body;
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, nonIntegral.has(k) ? new NonIntegralNumber(v as number) : v]));
}
