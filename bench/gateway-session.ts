/**
 * Bench figures `gateway session: bytes per session` (DESIGN §13, budget ≤ 8,192 B, client side): our
 * gateway (a `VirtualGateway` over the lean client of `sim/io/mqtt-lean.ts`) beside a bare mqtt.js client
 * doing what a gateway does to come online (CONNECT with its will, SUBSCRIBE `cmd`, retained `status`) —
 * the client the gateway used before, and mqtt.js's own floor — and a socket alone that sent CONNECT (the
 * floor under any client), all on one Mosquitto, each in a fresh process so RSS is its own:
 * `node --expose-gc --import tsx bench/gateway-session.ts --kind gateway|bare --url mqtt://… --count N`
 * prints one JSON line (`SessionSample`): the cost of N sessions opened after WARM, and of each of three more stretches of N. With `--breakdown`
 * it prints instead what holds those bytes: a heap snapshot before and after, by constructor, per session.
 * The section runs our gateway a second time with V8's young generation capped (`CAPPED_SEMI_SPACE_MB`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import type { MqttClient } from 'mqtt';
import { freePort } from '../sim/io/free-port.ts';
import { mqttClient } from '../sim/io/index.ts';
import { VirtualGateway } from '../sim/gateway/gateway.ts';
import { gatewayTopic } from '../sim/protocol/index.ts';
import type { Section } from './round-trip.ts';
import { quantile, result, round } from './stats.ts';
import { collectGarbage } from './gc.ts';
import { heapByConstructor, type HeapSnapshot, type Holder } from './heap-by-constructor.ts';

/** Our gateway (lean client); a bare mqtt.js client (the client before); a TCP socket alone that sent CONNECT (what a client holds beyond its socket). */
type Kind = 'gateway' | 'bare' | 'socket';
const KINDS: readonly Kind[] = ['gateway', 'bare', 'socket'];

/** What one process of N sessions measured (bytes after a full gc, before → after). */
export interface SessionSample {
  kind: Kind;
  count: number;
  rssDelta: number;
  heapUsedDelta: number;
  /** Buffers outside the V8 heap (`process.memoryUsage().arrayBuffers`). */
  arrayBuffersDelta: number;
  /**
   * Growth of V8's young generation (new space, reserved): it grows while many new objects survive, as
   * thousands of sessions opened at once do, and its touched pages are RSS the heap figure does not show.
   */
  newSpaceDelta: number;
  /**
   * The later stretches of `count` sessions each (sessions N+1…2N, 2N+1…3N, 3N+1…4N): V8's young generation
   * grows during the first thousands and its new pages are touched during the next, a cost of the process;
   * the last stretch is what one more session costs a process that already holds thousands (a fleet
   * shard's steady state).
   */
  later: { rssDelta: number; heapUsedDelta: number; newSpaceDelta: number }[];
}

/** The budget of one gateway session, client side (DESIGN §13). */
const SESSION_BUDGET_B = 8192;
const AT_ONCE = 50;
const GW_BASE = 1_000_001;
const quiet = (): void => {};
/** A bare mqtt.js client online as a gateway would be (DESIGN §4), nothing else: the gateway's client before the lean one. */
async function bare(url: string, apId: number): Promise<MqttClient> {
  const status = gatewayTopic(apId, 'status', '');
  const client = mqttClient(url, {
    protocolVersion: 4, clientId: `gw-${apId}`, clean: true, keepalive: 10, reconnectPeriod: 200, resubscribe: false, log: quiet,
    will: { topic: status, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
  });
  await new Promise((resolve, reject) => { client.once('connect', resolve); client.once('error', reject); });
  await client.subscribeAsync(gatewayTopic(apId, 'cmd', ''), { qos: 1 });
  await client.publishAsync(status, '{"online":true}', { qos: 1, retain: true });
  return client;
}

/** An MQTT 3.1.1 CONNECT (clean, no keep-alive, so the broker keeps a silent socket) as `gw-{apId}`. */
function connectPacket(apId: number): Buffer {
  const id = Buffer.from(`gw-${apId}`);
  // Protocol name "MQTT", level 4, flags: clean session, keep-alive 0.
  const variable = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 0]);
  return Buffer.concat([Buffer.from([0x10, variable.length + 2 + id.length]), variable, Buffer.from([0, id.length]), id]);
}

/** The floor under a client: a socket that is an MQTT session at the broker (CONNECT answered by CONNACK), and nothing else. */
async function socketOnly(url: string, apId: number): Promise<Socket> {
  const u = new URL(url);
  const socket = netConnect({ host: u.hostname, port: Number(u.port), noDelay: true });
  socket.write(connectPacket(apId));
  await once(socket, 'data');
  return socket;
}

/** Sessions opened before the first reading: what one costs once per process (code, mqtt-packet's 6 MB number cache) is not a session's cost. */
const WARM = 100;
/** Stretches of `count` sessions per process: the first is the headline figure, the last the steady state. */
const STRETCHES = 4;

/** The heap by constructor now (after a full gc), keyed by holder. */
function holdersNow(): Map<string, Holder> {
  collectGarbage();
  const file = writeHeapSnapshot(join(tmpdir(), `lockbench-session-${process.pid}.heapsnapshot`));
  try {
    return new Map(heapByConstructor(JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot).map((h) => [h.name, h]));
  } finally {
    rmSync(file, { force: true });
  }
}

/** What `count` sessions added, per session, largest first (a holder's count and bytes as a difference of two snapshots). */
function perSession(before: Map<string, Holder>, after: Map<string, Holder>, count: number): Holder[] {
  return [...after.values()].map((h) => ({ name: h.name, count: (h.count - (before.get(h.name)?.count ?? 0)) / count, bytes: (h.bytes - (before.get(h.name)?.bytes ?? 0)) / count }))
    .sort((a, b) => b.bytes - a.bytes);
}

async function child(kind: Kind, url: string, count: number, breakdown: boolean): Promise<void> {
  const held: (MqttClient | VirtualGateway | Socket)[] = [];
  let next = 0;
  const openUpTo = (n: number): Promise<unknown> => Promise.all(Array.from({ length: Math.min(AT_ONCE, n) }, async () => {
    while (next < n) {
      const apId = GW_BASE + next++;
      held.push(kind === 'bare' ? await bare(url, apId) : kind === 'socket' ? await socketOnly(url, apId) : await VirtualGateway.create({ apId, secret: 's', mqttUrl: url, links: [] }));
    }
  }));
  await openUpTo(WARM);
  if (breakdown) {
    const before = holdersNow();
    await openUpTo(WARM + count);
    const rows = perSession(before, holdersNow(), count);
    process.stdout.write(`${kind}: ${Math.round(rows.reduce((a, h) => a + h.bytes, 0))} B of heap per session (snapshot self sizes)\n`);
    for (const h of rows.slice(0, 30)) process.stdout.write(`${h.name.slice(0, 48).padEnd(48)} ${h.count.toFixed(2).padStart(7)} ${h.bytes.toFixed(0).padStart(7)}\n`);
    process.exit(0);
  }
  collectGarbage();
  const before = process.memoryUsage();
  const newBefore = newSpaceSize();
  await openUpTo(WARM + count);
  collectGarbage();
  const after = process.memoryUsage();
  const sample: SessionSample = {
    kind, count, rssDelta: after.rss - before.rss, heapUsedDelta: after.heapUsed - before.heapUsed, arrayBuffersDelta: after.arrayBuffers - before.arrayBuffers,
    newSpaceDelta: newSpaceSize() - newBefore, later: [],
  };
  let prev = after;
  for (let stretch = 2; stretch <= STRETCHES; stretch++) {
    const newAt = newSpaceSize();
    await openUpTo(WARM + stretch * count);
    collectGarbage();
    const now = process.memoryUsage();
    sample.later.push({ rssDelta: now.rss - prev.rss, heapUsedDelta: now.heapUsed - prev.heapUsed, newSpaceDelta: newSpaceSize() - newAt });
    prev = now;
  }
  process.stdout.write(`${JSON.stringify(sample)}\n`);
  process.exit(0);
}

function newSpaceSize(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

const SELF = fileURLToPath(import.meta.url);

/**
 * V8's young generation capped for the `capped` series (`--max-semi-space-size`, MB): it stays near its start
 * instead of growing 8 → 32 MB over the first thousands of sessions, so the headline figure is the sessions'.
 * A cost of the whole process, not of a session: `npm run bench -- --only fleet-scale` under the same flag
 * (NODE_OPTIONS) measured state/get 1,057 req/s against 1,468 and 1,045 for two runs without it (noise as wide
 * as the effect), and at 1 MB 754 req/s, so no fleet process is given it.
 */
const CAPPED_SEMI_SPACE_MB = 4;

function runChild(kind: Kind, url: string, count: number, nodeArgs: readonly string[] = []): Promise<SessionSample | string> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [...nodeArgs, '--expose-gc', '--import', 'tsx', SELF, '--kind', kind, '--url', url, '--count', String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    c.stderr.on('data', (b: Buffer) => { err = (err + b.toString()).slice(-1000); });
    const timer = setTimeout(() => c.kill('SIGKILL'), 120_000);
    c.on('close', (code) => {
      clearTimeout(timer);
      try {
        resolve(code === 0 ? (JSON.parse(out.trim().split('\n').pop()!) as SessionSample) : `exit ${code}: ${err.trim().split('\n').pop() ?? ''}`);
      } catch {
        resolve(`no sample: ${err.trim().split('\n').pop() ?? ''}`);
      }
    });
  });
}

/** Section `gateway-session`: our gateway's session against a bare mqtt.js client and a socket alone, alternated, medians of 3 runs each. */
export async function gatewaySession(quick: boolean): Promise<Section> {
  // Not in the --quick smoke run: CI runs it (bench/bench.test.ts), and nine fresh processes would add seconds there.
  if (quick) return { results: [], notes: ['gateway session: not measured in --quick'] };
  const count = 2000;
  const runs = 3;
  if (spawnSync('mosquitto', ['-h']).error) return { results: [], notes: ['gateway session: skipped, mosquitto is not installed'] };
  const dir = mkdtempSync(join(tmpdir(), 'lockbench-session-'));
  const port = await freePort();
  writeFileSync(join(dir, 'm.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\nmax_connections -1\n`);
  const broker = spawn('sh', ['-c', `ulimit -n 20000 2>/dev/null; exec mosquitto -c ${join(dir, 'm.conf')}`], { stdio: 'ignore' });
  const notes: string[] = [];
  const samples: Record<Kind, SessionSample[]> = { gateway: [], bare: [], socket: [] };
  /** Our gateway again, in a process whose young generation is capped (`CAPPED_SEMI_SPACE_MB`). */
  const capped: SessionSample[] = [];
  try {
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < runs; i++) {
      for (const kind of KINDS) {
        const s = await runChild(kind, `mqtt://127.0.0.1:${port}`, count);
        if (typeof s === 'string') notes.push(`gateway session: a ${kind} run failed: ${s}`);
        else samples[kind].push(s);
      }
      const s = await runChild('gateway', `mqtt://127.0.0.1:${port}`, count, [`--max-semi-space-size=${CAPPED_SEMI_SPACE_MB}`]);
      if (typeof s === 'string') notes.push(`gateway session: a capped gateway run failed: ${s}`);
      else capped.push(s);
    }
  } finally {
    broker.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  const per = (kind: Kind, f: (s: SessionSample) => number): number => quantile(samples[kind].map((s) => f(s) / s.count), 0.5);
  const floor = (name: string, f: (s: SessionSample) => number) => (samples.bare.length ? { name: `${name}, bare mqtt.js client, the client before (median of ${samples.bare.length})`, value: per('bare', f), unit: 'B' } : null);
  const each = (kind: Kind, f: (s: SessionSample) => number): string => samples[kind].map((s) => round(f(s) / count)).join(', ');
  notes.push(`gateway session: ${count} sessions per process on mosquitto; RSSΔ/session gateway ${each('gateway', (s) => s.rssDelta)} B, bare ${each('bare', (s) => s.rssDelta)} B, `
    + `socket alone ${each('socket', (s) => s.rssDelta)} B; heapUsedΔ/session gateway ${each('gateway', (s) => s.heapUsedDelta)} B, bare ${each('bare', (s) => s.heapUsedDelta)} B, socket alone ${each('socket', (s) => s.heapUsedDelta)} B; `
    + `young generation grown (reserved) per session gateway ${each('gateway', (s) => s.newSpaceDelta)} B, bare ${each('bare', (s) => s.newSpaceDelta)} B, socket alone ${each('socket', (s) => s.newSpaceDelta)} B`);
  notes.push(`gateway session: young generation capped (--max-semi-space-size=${CAPPED_SEMI_SPACE_MB}): RSSΔ/session gateway ${capped.map((s) => round(s.rssDelta / count)).join(', ')} B, `
    + `steady ${capped.map((s) => round(s.later.at(-1)!.rssDelta / count)).join(', ')} B`);
  for (let i = 0; i < STRETCHES - 1; i++) {
    notes.push(`gateway session: sessions ${(i + 1) * count + 1}…${(i + 2) * count} of each process: RSSΔ/session gateway ${each('gateway', (s) => s.later[i]!.rssDelta)} B, bare ${each('bare', (s) => s.later[i]!.rssDelta)} B, `
      + `socket alone ${each('socket', (s) => s.later[i]!.rssDelta)} B; heapUsedΔ/session gateway ${each('gateway', (s) => s.later[i]!.heapUsedDelta)} B; `
      + `young generation grown per session gateway ${each('gateway', (s) => s.later[i]!.newSpaceDelta)} B, bare ${each('bare', (s) => s.later[i]!.newSpaceDelta)} B, socket alone ${each('socket', (s) => s.later[i]!.newSpaceDelta)} B`);
  }
  return {
    results: [
      result('gateway session: bytes per session (RSS, client side)', per('gateway', (s) => s.rssDelta), 'B', floor('RSS per client', (s) => s.rssDelta), { on: 'value', atMost: SESSION_BUDGET_B }, `≤ ${SESSION_BUDGET_B} B`),
      result('gateway session: heap bytes per session', per('gateway', (s) => s.heapUsedDelta), 'B', floor('heap per client', (s) => s.heapUsedDelta)),
      // The same for the last stretch: V8's young generation grows while the first thousands come up and its pages are
      // touched during the next (~16 MB each time), a cost of the process rather than of each session; past it, what one more costs.
      result(`gateway session: RSS per session, steady (sessions ${(STRETCHES - 1) * count + 1}…${STRETCHES * count} of a process)`, per('gateway', (s) => s.later.at(-1)!.rssDelta), 'B', floor('RSS per client', (s) => s.later.at(-1)!.rssDelta), { on: 'value', atMost: SESSION_BUDGET_B }, `≤ ${SESSION_BUDGET_B} B`),
      // The same sessions without V8's young-generation growth in them (a process cost, with its throughput price above CAPPED_SEMI_SPACE_MB).
      ...(capped.length ? [result(`gateway session: RSS per session, young generation capped (--max-semi-space-size=${CAPPED_SEMI_SPACE_MB})`, quantile(capped.map((s) => s.rssDelta / s.count), 0.5), 'B', null, { on: 'value', atMost: SESSION_BUDGET_B }, `≤ ${SESSION_BUDGET_B} B`)] : []),
      // What any client holds, mqtt.js or not: a Node socket with an MQTT session at the broker (the floor under the floor).
      result('gateway session: RSS per socket alone (CONNECT sent, no client library)', per('socket', (s) => s.rssDelta), 'B'),
      result('gateway session: heap per socket alone', per('socket', (s) => s.heapUsedDelta), 'B'),
    ],
    notes,
  };
}

if (process.argv[1] === SELF) {
  const { values } = parseArgs({ options: { kind: { type: 'string' }, url: { type: 'string' }, count: { type: 'string' }, breakdown: { type: 'boolean', default: false } } });
  const count = Number(values.count);
  const kind = KINDS.find((k) => k === values.kind);
  if (!kind || !values.url || !(count > 0)) throw new Error('usage: --kind gateway|bare|socket --url mqtt://… --count N [--breakdown]');
  await child(kind, values.url, count, values.breakdown!);
}
