import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { wireOf } from '../sim/protocol/index.ts';
import { stopChild } from '../sim/io/index.ts';

// `lockbench call --curl` (issue: an integrator with curl is stuck at the signature): the printed request,
// replayed by curl against a real simulated world on loopback (a separate process), is accepted; the same
// request with one byte of its body changed is refused as badly signed (DESIGN §5.1, §3.2).
const hasCurl = !spawnSync('curl', ['--version'], { stdio: 'ignore' }).error;
const LOCK = 1000001;

async function readyLine(child: ChildProcess): Promise<{ api: string; control: string }> {
  let buf = '';
  const timer = setTimeout(() => child.kill('SIGTERM'), 30_000);
  for await (const chunk of child.stdout!) {
    buf += String(chunk);
    if (buf.includes('\n')) break;
  }
  clearTimeout(timer);
  return JSON.parse(buf.slice(0, buf.indexOf('\n'))) as { api: string; control: string };
}

const call = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/call.ts', ...args], {
  encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH ?? '' },
});

/** Run a printed curl command (a single line, single-quoted arguments) through the shell, as an integrator would. */
const sh = (line: string) => spawnSync('sh', ['-c', line], { encoding: 'utf8', timeout: 10_000 });

test('a request printed by call --curl is accepted by a real sim; one byte changed is refused as badly signed', { skip: !hasCurl && 'curl is not installed', timeout: 60_000 }, async () => {
  const sim = spawn(process.execPath, ['--import', 'tsx', 'bin/sim.ts', '--time', 'frozen', '--fixture', 'fixtures/fleet.json'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const urls = await readyLine(sim);
    const world = await (await fetch(new URL('/world', urls.control))).json() as { time: number };
    const printed = call('--curl', '--fixture', 'fixtures/fleet.json', '--api-url', urls.api, '--at', String(world.time), '/third/lock/get', JSON.stringify({ lock_id: LOCK }));
    assert.equal(printed.status, 0, printed.stderr);
    const line = printed.stdout.trim();
    assert.match(line, /^curl -sS -X POST '[^']+\/third\/lock\/get' -H 'content-type: application\/json' --data-binary '\{.*"sign":"[0-9a-f]{32}"\}'$/);
    assert.doesNotMatch(line, /a0cc195a3034c6de34c9dfccf765117b/, 'the app secret is not printed');

    const accepted = JSON.parse(sh(line).stdout) as { code: number; data: { lock_id: number } };
    assert.equal(accepted.code, wireOf('kexin-2017-03', 'ok').code);
    assert.equal(accepted.data.lock_id, LOCK);

    const tampered = line.replace(`"lock_id":${LOCK}`, `"lock_id":${LOCK + 2}`);
    assert.notEqual(tampered, line);
    const refused = JSON.parse(sh(tampered).stdout) as { code: number };
    assert.equal(refused.code, wireOf('kexin-2017-03', 'bad_sign').code);

    // Without --curl it sends the same request itself and exits by the answer's code.
    const sent = call('--fixture', 'fixtures/fleet.json', '--api-url', urls.api, '--at', String(world.time), '/third/lock/get', JSON.stringify({ lock_id: LOCK }));
    assert.equal(sent.status, 0, sent.stderr);
    assert.equal((JSON.parse(sent.stdout) as { code: number }).code, wireOf('kexin-2017-03', 'ok').code);
    const stale = call('--fixture', 'fixtures/fleet.json', '--api-url', urls.api, '--at', String(world.time - 7200), '/third/lock/get', JSON.stringify({ lock_id: LOCK }));
    assert.equal(stale.status, 1, 'signed two hours off: refused, exit 1');
  } finally {
    await stopChild(sim, 5000);
    if (sim.exitCode === null && sim.signalCode === null) await once(sim, 'exit');
  }
});

test('call refuses bad input naming what is wrong, before sending anything', () => {
  const notObject = call('--fixture', 'fixtures/fleet.json', '--api-url', 'http://127.0.0.1:9', '/third/lock/get', '[1]');
  assert.equal(notObject.status, 2);
  assert.match(notObject.stderr, /JSON: it must be a JSON object/);
  const signed = call('--fixture', 'fixtures/fleet.json', '--api-url', 'http://127.0.0.1:9', '/third/lock/get', '{"sign":"x"}');
  assert.match(signed.stderr, /leave out app_id and sign/);
  const noApp = call('--api-url', 'http://127.0.0.1:9', '/third/lock/get', '{}');
  assert.match(noApp.stderr, /no app to sign as: set LOCKBENCH_APP_ID and LOCKBENCH_APP_SECRET/);
  const noUrl = call('--fixture', 'fixtures/fleet.json', '/third/lock/get', '{}');
  assert.match(noUrl.stderr, /--api-url or LOCKBENCH_API_URL/);
});
