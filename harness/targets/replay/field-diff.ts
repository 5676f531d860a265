/** Where two JSON values differ, leaf by leaf, as JSON paths: the one comparison of replay and `cassette diff`. */

export interface FieldChange {
  /** JSON path from the compared root (`request.lock_id`, `answer.data.online`). */
  path: string;
  /** The value on the left (recorded / cassette A); undefined when absent there. */
  was: unknown;
  /** The value on the right (sent / cassette B); undefined when absent there. */
  now: unknown;
}

/** Every leaf where `a` and `b` differ, in document order (keys of `a` first, then keys only `b` has). */
export function fieldChanges(a: unknown, b: unknown, path: string): FieldChange[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !Object.hasOwn(a, k))];
    return keys.flatMap((k) => fieldChanges(a[k], b[k], `${path}.${k}`));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => fieldChanges(a[i], b[i], `${path}[${i}]`)).flat();
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path, was: a, now: b }];
}

/** One change as a line: `answer.code: 0 → 10001`, `request.attach: (absent) → "x"`. */
export function changeText(c: FieldChange): string {
  return `${c.path}: ${shown(c.was)} → ${shown(c.now)}`;
}

const SHOWN_MAX = 120;

function shown(v: unknown): string {
  if (v === undefined) return '(absent)';
  const t = JSON.stringify(v);
  return t.length > SHOWN_MAX ? `${t.slice(0, SHOWN_MAX)}…` : t;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
