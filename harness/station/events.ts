/**
 * What the station page is told (docs/evidence.md §14, `conformance --station`): one union of events,
 * tagged by `type`, from the runner (tests, checks, the run's end) and from the workers (wire entries, waits,
 * operator prompts). Pure: the redaction every event passes before it leaves a process lives here too.
 */
import type { WireEntry } from '../client/wire-log.ts';

export type CheckStatus = 'pass' | 'fail' | 'skip' | 'not-run';

export type StationEvent =
  | { type: 'run'; target: string; total: number; startedAtMs: number; operator: boolean }
  | { type: 'test-begin'; testId: string; title: string; checks: string[]; atMs: number; ordinal: number }
  | { type: 'step'; testId: string; title: string; atMs: number }
  | { type: 'test-end'; testId: string; status: string; checks: string[]; atMs: number; error?: string }
  /** Per check ID, the status its cell will have in the matrix (harness/report/matrix.ts cellOf). */
  | { type: 'checks'; statuses: Record<string, CheckStatus> }
  | { type: 'wire'; testId: string; startedAtMs: number; entry: WireEntry }
  /** The harness waits for `what` until `untilMs` (epoch ms, real time): the page counts it down. */
  | { type: 'wait'; testId: string; what: string; untilMs: number; atMs: number }
  | { type: 'wait-end'; testId: string; what: string; atMs: number }
  /** A check needs a person (`--operator`): the page shows `instruction` with a "done" button until `untilMs`. */
  | { type: 'prompt'; promptId: string; testId: string; instruction: string; untilMs: number; atMs: number }
  | { type: 'prompt-end'; promptId: string; answer: 'done' | 'timeout'; atMs: number }
  /** The current test's wire timeline was redrawn (harness/report/sequence-html.ts): the page reloads `/timeline`. */
  | { type: 'sequence'; testId: string; version: number }
  /** A measured result a test annotated (LAB-05's `clock accuracy`: its ppm ± uncertainty), shown by the plot. */
  | { type: 'note'; testId: string; what: string; text: string }
  | { type: 'end'; status: string; atMs: number };

/** Keys whose values never leave a process: the wire log redacts /secret/; the page also hides these. */
const SECRET_KEY = /secret|passw|token|authori[sz]ation|signature|\bsign\b|^sign$|key$/i;
const REDACTED = '«redacted»';

/** The run's secrets by value: every `LOCKBENCH_*` variable naming a secret, a key, a password or a token. */
export function secretsOf(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([k, v]) => k.startsWith('LOCKBENCH_') && /SECRET|PASSWORD|TOKEN|_KEY$/.test(k) && typeof v === 'string' && v.length >= 6)
    .map(([, v]) => v as string);
}

/** `v` with secret-named keys and every occurrence of a secret value replaced. */
export function redactDeep(v: unknown, secrets: readonly string[]): unknown {
  if (typeof v === 'string') {
    const text = secrets.reduce((s, secret) => s.split(secret).join(REDACTED), v);
    // An MQTT payload is JSON as text (a pwd_add's password, DESIGN §4): its keys are redacted as an object's are.
    if (/^\s*[{[]/.test(text)) {
      try {
        return JSON.stringify(redactDeep(JSON.parse(text), secrets));
      } catch {
        // Not JSON after all: the text as it is, secret values already hidden.
      }
    }
    return text;
  }
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => redactDeep(x, secrets));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEY.test(k) ? REDACTED : redactDeep(x, secrets)]));
}

/** One NDJSON line of the feed, redacted. */
export function eventLine(e: StationEvent, secrets: readonly string[]): string {
  return `${JSON.stringify(redactDeep(e, secrets))}\n`;
}
