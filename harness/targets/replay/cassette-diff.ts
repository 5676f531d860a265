/**
 * What changed between two recordings of a cloud (docs/cli.md §8 "Record and replay"): per test,
 * per exchange in the order sent, the request fields, the status and the answer fields that differ. Pure; the
 * command is bin/cassette.ts.
 */
import type { Cassette, Exchange } from './cassette.ts';
import { changeText, fieldChanges } from './field-diff.ts';

export interface DiffOptions {
  /** Compare only the tests both cassettes recorded (a subset recorded against A's full run). */
  common?: boolean;
}

/** One line per difference, grouped under the test it is in; [] when the recordings agree. */
export function diffCassettes(a: Cassette, b: Cassette, o: DiffOptions = {}): string[] {
  const out: string[] = [];
  for (const field of ['profile', 'app_id', 'lock_id', 'seed'] as const) {
    if (a[field] !== b[field]) out.push(`${field}: ${JSON.stringify(a[field])} → ${JSON.stringify(b[field])}`);
  }
  const names = [...new Set([...Object.keys(a.tests), ...Object.keys(b.tests)])].sort();
  for (const name of names) {
    const [xa, xb] = [a.tests[name], b.tests[name]];
    if (!xa || !xb) {
      if (!o.common) out.push(`${name}: only in ${xa ? 'A' : 'B'}`);
      continue;
    }
    const lines = exchangesDiff(xa, xb);
    if (lines.length) out.push(`${name}:`, ...lines.map((l) => `  ${l}`));
  }
  return out;
}

function exchangesDiff(a: readonly Exchange[], b: readonly Exchange[]): string[] {
  const out: string[] = [];
  if (a.length !== b.length) out.push(`${a.length} exchanges → ${b.length}`);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const [x, y] = [a[i], b[i]];
    if (!x || !y) {
      const only = (x ?? y)!;
      out.push(`#${i + 1} ${only.method} ${only.path}: only in ${x ? 'A' : 'B'}`);
      continue;
    }
    const changes = [
      ...fieldChanges({ method: x.method, path: x.path, headers: x.headers, body: x.request }, { method: y.method, path: y.path, headers: y.headers, body: y.request }, 'request'),
      ...fieldChanges(x.status, y.status, 'status'),
      ...fieldChanges(x.content_type, y.content_type, 'content_type'),
      ...fieldChanges({ body: x.answer, text: x.answer_is_text }, { body: y.answer, text: y.answer_is_text }, 'answer').map((c) => ({ ...c, path: c.path.replace(/^answer\.body/, 'answer') })),
    ];
    if (changes.length) out.push(`#${i + 1} ${x.method} ${x.path}`, ...changes.map((c) => `  ${changeText(c)}`));
  }
  return out;
}
