/**
 * `lockbench call PATH JSON [--curl]`: one correctly signed request to the cloud's third-party API (DESIGN
 * §3.3), sent or printed as a curl command, for an integrator checking a deployment by hand. The body is
 * signed by the harness's own signer (harness/client/signed.ts, DESIGN §5.1) — the one place a request is signed.
 */
import { parseArgs } from 'node:util';
import { loadFixture, FixtureError } from '../sim/world/index.ts';
import { isProfileName, wireOf, type Body } from '../sim/protocol/index.ts';
import { postSigned, signedBody, type SigningApp } from '../harness/client/signed.ts';
import { loadSigner } from '../harness/client/signer.ts';
import { EXIT } from '../harness/report/run-outcome.ts';
import { BENCH_FLAGS, benchOrExit } from './bench-env.ts';
import { cli, type Cli } from './cli.ts';

/** The flags and the two positionals (PATH, JSON), strictly. */
function parseCall(argv: string[]) {
  return parseArgs({
    args: argv, strict: true, allowPositionals: true,
    options: {
      curl: { type: 'boolean', default: false },
      'api-url': { type: 'string' },
      'app-id': { type: 'string' },
      fixture: { type: 'string' },
      at: { type: 'string' },
      'timeout-ms': { type: 'string', default: '10000' },
    },
  });
}

const cmd = cli('lockbench call', {
  synopsis: 'lockbench call PATH JSON [--curl] [--api-url URL] [--app-id ID] [--fixture F] [--at UNIX] [--timeout-ms N]',
  about: `Sign JSON (an object of the request's fields, without app_id and sign) for PATH (docs/algorithms.md §5.1) and POST it
to the cloud's API, printing the answer; with --curl, print a curl command that sends it instead.
The app signs with: LOCKBENCH_APP_ID / LOCKBENCH_APP_SECRET (or a remote place of the bench file), else the app
of --fixture F (--app-id picks one; default its first). The secret is never an argument, nor printed.`,
  options: [
    ['--curl', 'print the request as a curl command instead of sending it'],
    ['--api-url URL', 'the API\'s base URL; default $LOCKBENCH_API_URL'],
    ['--app-id ID', 'the app to sign as; default $LOCKBENCH_APP_ID, else the fixture\'s first app'],
    ['--fixture F', 'take the app\'s secret from this fixture (docs/fixture-file.md §7) when LOCKBENCH_APP_SECRET is unset'],
    ['--at UNIX', 'sign for this unix time, s (a simulated world\'s time); default the host clock (a real cloud\'s)'],
    ['--timeout-ms N', 'how long the answer may take, ms; default 10000'],
    ...BENCH_FLAGS,
  ],
  more: [
    'LOCKBENCH_SIGNER: another deployment\'s signer module; LOCKBENCH_PROFILE: the API\'s profile, default kexin-2017-03 (README: Variables).',
    '',
    'exit codes: 0 answered the profile\'s "ok" code (or printed), 1 answered another, 2 usage, 3 the API did not answer',
  ],
});
const fail: Cli['fail'] = cmd.fail;
cmd.helpIfAsked();
let parsed: ReturnType<typeof parseCall>;
try {
  parsed = parseCall(benchOrExit('lockbench call').argv);
} catch (e) {
  fail(`${(e as Error).message} (see --help)`);
}
const { values: args, positionals } = parsed;
const [path, json, ...extra] = positionals;
if (path === undefined || json === undefined || extra.length > 0) fail('give PATH and JSON, e.g. lockbench call /third/lock/get \'{"lock_id": 1000001}\' (see --help)');
if (!/^\/[\w/.-]*$/.test(path)) fail(`PATH must be an API path such as /third/lock/get, got "${path}"`);
let fields: Body;
try {
  const v: unknown = JSON.parse(json);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('it must be a JSON object of the request\'s fields');
  fields = v as Body;
} catch (e) {
  fail(`JSON: ${(e as Error).message}`);
}
if ('sign' in fields || 'app_id' in fields) fail('JSON: leave out app_id and sign; call adds them');
const timeoutMs = cmd.uint(args['timeout-ms'], '--timeout-ms', 1, 600_000);
const at = args.at !== undefined ? cmd.uint(args.at, '--at', 0, 0xffffffff) : undefined;
const profile = process.env.LOCKBENCH_PROFILE ?? 'kexin-2017-03';
if (!isProfileName(profile)) fail(`LOCKBENCH_PROFILE must be kexin-2017-03 or kexin-2017-10, got "${profile}"`);
const apiUrl = args['api-url'] ?? process.env.LOCKBENCH_API_URL;
if (!apiUrl || !/^https?:\/\/\S+$/.test(apiUrl)) fail(`the API's base URL must be an http(s) URL (--api-url or LOCKBENCH_API_URL), got "${apiUrl ?? ''}"`);

/** The app to sign as: the environment's (a bench place sets it), else the fixture's. */
async function appOf(): Promise<SigningApp> {
  const signer = await loadSigner(process.env.LOCKBENCH_SIGNER).catch((e: unknown) => fail(`LOCKBENCH_SIGNER: ${(e as Error).message}`));
  const wanted = args['app-id'] ?? process.env.LOCKBENCH_APP_ID;
  if (process.env.LOCKBENCH_APP_SECRET && wanted) return { appId: wanted, appSecret: process.env.LOCKBENCH_APP_SECRET, signer };
  if (args.fixture === undefined) return fail('no app to sign as: set LOCKBENCH_APP_ID and LOCKBENCH_APP_SECRET (or a bench place), or give --fixture F');
  const fixture = await loadFixture(args.fixture).catch((e: unknown) => fail(e instanceof FixtureError ? `invalid fixture ${args.fixture}:\n${e.message}` : String(e)));
  const app = wanted === undefined ? fixture.apps[0] : fixture.apps.find((a) => a.app_id === wanted);
  if (!app) return fail(`--app-id ${wanted ?? ''}: no such app in ${args.fixture} (apps: ${fixture.apps.map((a) => a.app_id).join(', ')})`);
  return { appId: app.app_id, appSecret: app.app_secret, signer };
}

// The host clock is a real cloud's time; a simulated world's is given with --at (DESIGN §2: the world moves only when told).
const now = (): number => at ?? Math.floor(Date.now() / 1000);
const app = await appOf();
const url = new URL(path, apiUrl).href;
if (args.curl) {
  const body = JSON.stringify(await signedBody(app, path, fields, now));
  const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;
  process.stdout.write(`curl -sS -X POST ${quote(url)} -H 'content-type: application/json' --data-binary ${quote(body)}\n`);
  process.exit(EXIT.pass);
}
try {
  const answer = await postSigned({ apiUrl, app, now, timeoutMs }, path, fields);
  process.stdout.write(`${answer.text}\n`);
  cmd.log(`HTTP ${answer.status}${answer.envelope ? `, code ${String(answer.envelope.code)}` : ', not an envelope'}`);
  // DESIGN §3.1: "ok" is a profile's own code (200 in kexin-2017-03, 0 in kexin-2017-10).
  process.exit(answer.envelope?.code === wireOf(profile, 'ok').code ? EXIT.pass : EXIT.failed);
} catch (e) {
  fail(`${url} did not answer: ${(e as Error).message}`, EXIT.bench);
}
