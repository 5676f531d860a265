/**
 * Playwright `globalSetup` (DESIGN §11; a run that cannot start stops once, up front): what must hold before
 * any test runs, checked once. - `LOCKBENCH_SEED`: parsed, or picked and printed, then passed to every worker
 * through the   environment, so all domain randomness and the fast-check runs of this run replay (STYLE §2). -
 * The target's settings (DESIGN §8, §11, §12): a missing one stops the run once, naming it,   instead of
 * failing every test. - The lab device probe follows in global-setup.ts (DESIGN §11). - Remote: the host clock
 * against the cloud's HTTP `Date`. Signatures carry the hour bucket   (DESIGN §5.1), so a clock hours off makes
 * every signed request "sign is invalid"; say so first.
 */
import { randomInt } from 'node:crypto';
import { isProfileName, wireOf, type ProfileName } from '../../../sim/protocol/index.ts';
import { test } from '@playwright/test';
import { parseSeed, seededRng, SEED_MAX } from '../../../sim/random.ts';
import { postSigned, type SignedAnswer } from '../../client/signed.ts';
import { loadSigner } from '../../client/signer.ts';
import type { TargetName } from './facets.ts';

/** Settings each target cannot run without (DESIGN §8, §11, §12); `a|b` means either. */
export const REQUIRED: Readonly<Record<TargetName, readonly string[]>> = {
  sim: [],
  remote: ['LOCKBENCH_API_URL', 'LOCKBENCH_APP_ID', 'LOCKBENCH_APP_SECRET', 'LOCKBENCH_LOCK_ID'],
  lab: ['LOCKBENCH_SERIAL', 'LOCKBENCH_LOCK_ID', 'LOCKBENCH_LOCK_SECRET'],
  replay: ['LOCKBENCH_CASSETTE'],
  gateway: ['LOCKBENCH_GATEWAY_AP_ID', 'LOCKBENCH_GATEWAY_SECRET', 'LOCKBENCH_LOCK_ID|LOCKBENCH_LOCK_IDS', 'LOCKBENCH_LOCK_SECRET'],
};

/** A clock this far off the cloud's is worth saying even when the signed probe still passes. */
export const CLOCK_WARN_S = 60;

/** A run that cannot start: the message is the whole story, so no stack is printed with it. */
export class PreflightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'lockbench preflight';
    this.stack = `${this.name}: ${message}`;
  }
}

/** The seed of this run (set by the preflight in every worker's environment); 0 when none was set. */
export function runSeed(env: NodeJS.ProcessEnv = process.env): number {
  const r = parseSeed(env.LOCKBENCH_SEED);
  if (!r.ok) throw new PreflightError(r.error);
  return r.seed ?? 0;
}

/**
 * The seed of the world of the running test: the run's seed forked by the test's file and titles.
 * Replaying a run (or one test of it) redraws the same numbers, while different tests draw
 * different ones — a lab device keeps its state between tests, and two tests handed the same
 * "random" password would collide on it. Outside a test, the run's seed itself.
 */
export function worldSeed(): number {
  let id: string;
  try {
    id = test.info().titlePath.join(' › ');
  } catch {
    return runSeed();
  }
  return seededRng(runSeed()).fork(id).seed;
}

/** The settings of `target` that are missing from `env`, as the names to print. */
export function missingSettings(target: string, env: NodeJS.ProcessEnv): string[] {
  return (Object.hasOwn(REQUIRED, target) ? REQUIRED[target as TargetName] : []).filter((names) => !names.split('|').some((n) => env[n]));
}

/** The one line that explains refused signatures, or undefined when the clocks agree. */
export function clockMessage(offsetS: number, signRefused: boolean): string | undefined {
  const n = Math.round(offsetS);
  if (Math.abs(n) < CLOCK_WARN_S && !(signRefused && Math.abs(n) >= 2)) return undefined;
  const way = n > 0 ? 'ahead' : 'behind';
  return `your clock is ${Math.abs(n)} s off the cloud's (${way}); signatures use the hour bucket (DESIGN §5.1)${signRefused ? ', and the cloud refused a signed request' : ''}`;
}

/** Host clock minus the cloud's `Date`, and whether a correctly signed `lock/get` was refused as badly signed. */
export async function diagnoseRemoteClock(env: NodeJS.ProcessEnv, hostNowS: () => number = () => Date.now() / 1000): Promise<{ offsetS: number; signRefused: boolean } | { error: string }> {
  const profile: ProfileName = isProfileName(env.LOCKBENCH_PROFILE) ? env.LOCKBENCH_PROFILE : 'kexin-2017-03';
  const signer = await loadSigner(env.LOCKBENCH_SIGNER);
  const app = { appId: env.LOCKBENCH_APP_ID ?? '', appSecret: env.LOCKBENCH_APP_SECRET ?? '', signer };
  const sentAt = hostNowS();
  let res: SignedAnswer<unknown>;
  try {
    res = await postSigned({ apiUrl: env.LOCKBENCH_API_URL ?? '', app, now: () => sentAt, timeoutMs: 5000 }, '/third/lock/get', { lock_id: Number(env.LOCKBENCH_LOCK_ID) });
  } catch (e) {
    return { error: `LOCKBENCH_API_URL ${env.LOCKBENCH_API_URL} did not answer: ${(e as Error).message}` };
  }
  const receivedAt = hostNowS();
  const header = res.headers.date;
  const date = Date.parse(typeof header === 'string' ? header : '');
  if (Number.isNaN(date)) return { error: 'the cloud sent no HTTP Date header, so its clock cannot be compared' };
  // `Date` has whole seconds: compare with the middle of the round trip, to within a second.
  const offsetS = (sentAt + receivedAt) / 2 - date / 1000 - 0.5;
  const badSign = wireOf(profile, 'bad_sign');
  return { offsetS, signRefused: res.status === badSign.http && res.envelope?.code === badSign.code };
}

/** Everything the preflight checks; `log` prints the run's first lines. */
export async function preflight(env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = (l) => console.log(l)): Promise<void> {
  const seed = parseSeed(env.LOCKBENCH_SEED);
  if (!seed.ok) throw new PreflightError(seed.error);
  if (seed.seed === undefined) env.LOCKBENCH_SEED = String(randomInt(0, SEED_MAX));
  log(`lockbench: seed ${env.LOCKBENCH_SEED} (replay a run with LOCKBENCH_SEED=${env.LOCKBENCH_SEED})`);

  const target = env.LOCKBENCH_TARGET ?? 'sim';
  const missing = missingSettings(target, env);
  if (missing.length > 0) {
    throw new PreflightError(`--target ${target} needs ${missing.map((m) => m.split('|').join(' or ')).join(', ')} (see README: Variables); no test was run`);
  }
  if (target === 'remote') {
    const d = await diagnoseRemoteClock(env);
    if ('error' in d) log(`lockbench: ${d.error}`);
    else {
      const msg = clockMessage(d.offsetS, d.signRefused);
      if (msg) log(`lockbench: ${msg}`);
    }
  }
}

