/**
 * The embedded cloud and broker of the `gateway` target, up for the whole run (DESIGN §12): a
 * physical gateway is configured once and cannot follow per-test ports, and Playwright restarts a
 * worker after a failed test — so the world lives in the runner process (`globalSetup`), and workers
 * reach it through its API and control URLs. It prints how to point the gateway at the broker and
 * waits for the gateway's retained `{"online": true}`; on timeout it fails once saying what it saw.
 */
import { randomBytes } from 'node:crypto';
import { parseFixture, World } from '../../../sim/world/index.ts';
import { gatewayTopic } from '../../../sim/protocol/index.ts';
import { waitUntil } from '../../../sim/io/index.ts';
import type { GatewaySettings } from './settings.ts';

/** What workers are told about the host (env `LOCKBENCH_GATEWAY_HOST`, JSON). */
export interface GatewayHostInfo {
  api: string;
  control: string;
  mqtt: string;
  appId: string;
  appSecret: string;
  apId: number;
  lockIds: number[];
  lockSecretHex: string;
  ackTimeoutMs: number;
  waitS: number;
}

export const HOST_ENV = 'LOCKBENCH_GATEWAY_HOST';
const APP_ID = 'app_gateway';

/** A MAC for the registry entry of a lock whose real MAC the harness does not know (locally administered). */
function macOf(lockId: number): string {
  const b = [0x02, 0x6b, (lockId >>> 24) & 255, (lockId >>> 16) & 255, (lockId >>> 8) & 255, lockId & 255];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** Start the world: broker on the configured host/port, cloud on a free loopback port, no virtual gateway. */
export async function startGatewayHost(s: GatewaySettings): Promise<{ world: World; info: GatewayHostInfo }> {
  const appSecret = randomBytes(16).toString('hex');
  const parsed = parseFixture({
    // Nothing can move a real lock's clock: the world follows the host's real time (DESIGN §12).
    world: { start: Math.floor(Date.now() / 1000) },
    cloud: { profile: s.profile, ack_timeout_ms: s.ackTimeoutMs },
    apps: [{ app_id: APP_ID, app_secret: appSecret, corp_ids: [0], push_url: 'sink' }],
    gateways: [{ ap_id: s.apId, secret: s.secret, locks: s.lockIds }],
    // Only the first lock's secret is known; the others get one nobody uses (no code is computed for them).
    locks: s.lockIds.map((id, i) => ({ lock_id: id, mac: macOf(id), secret_hex: i === 0 ? s.lockSecretHex : randomBytes(16).toString('hex') })),
  });
  if (!parsed.ok) throw new Error(`gateway target: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  const world = await World.create(parsed.fixture, {
    profile: s.profile, time: 'running', mqttPort: s.mqttPort, ackTimeoutMs: s.ackTimeoutMs, pushBackoffMs: 50,
    externalGateways: [s.apId], brokerHost: s.mqttHost,
  });
  const info: GatewayHostInfo = {
    api: world.urls.api, control: world.urls.control, mqtt: world.urls.mqtt, appId: APP_ID, appSecret, apId: s.apId,
    lockIds: s.lockIds, lockSecretHex: s.lockSecretHex, ackTimeoutMs: s.ackTimeoutMs, waitS: s.waitS,
  };
  return { world, info };
}

/** How to point the gateway at the broker (printed once at start). */
export function instructions(s: GatewaySettings): string {
  const host = s.mqttHost === '0.0.0.0' || s.mqttHost === '::' ? '<this machine\'s address>' : s.mqttHost;
  return [
    `gateway target: point gateway ${s.apId} at this broker (MQTT 3.1.1, DESIGN §4):`,
    `  URL        mqtt://${host}:${s.mqttPort}   (listening on ${s.mqttHost}:${s.mqttPort})`,
    `  username   gw:${s.apId}   password: LOCKBENCH_GATEWAY_SECRET`,
    `  client id  gw-${s.apId} (or any id not held by another client)`,
    `  publishes  ${gatewayTopic(s.apId, 'status', '')} (retained; will {"online": false}), ${gatewayTopic(s.apId, 'ack', '')}, ${gatewayTopic(s.apId, 'event', '')}`,
    `  subscribes ${gatewayTopic(s.apId, 'cmd', '')} (QoS 1)`,
    `  locks      ${s.lockIds.join(', ')}`,
    `waiting up to ${s.waitS} s for its retained status {"online": true} …`,
  ].join('\n');
}

/** The host's embedded broker and cloud (it always starts both). */
export function hostParts(world: World): { broker: NonNullable<World['broker']>; cloud: NonNullable<World['cloud']> } {
  if (!world.broker || !world.cloud) throw new Error('gateway target: the host world has no embedded broker or cloud');
  return { broker: world.broker, cloud: world.cloud };
}

/** What the broker saw of the gateway, in words, for a wait that timed out. */
export function diagnose(world: World, apId: number): string {
  const { broker } = hostParts(world);
  const records = broker.clientRecords();
  const mine = records[`gw:${apId}`];
  const others = Object.values(records).filter((r) => r.username !== 'cloud' && r.username !== `gw:${apId}`);
  const said: string[] = [];
  if (!mine && others.length === 0 && broker.strangers().refused === 0) said.push(`no CONNECT at all reached ${world.urls.mqtt}`);
  for (const o of others) {
    said.push(`a client connected as "${o.username || '(no username)'}" (expected gw:${apId}): ${o.connects} accepted, refused ${o.refusals.join('; ') || 'nothing'}`);
  }
  // A wrong secret never reaches a record (sim/broker/strangers.ts): the refusals offering this gateway's name.
  const offered = broker.strangers().last.filter((l) => l.includes(` offering gw:${apId} `));
  if (offered.length > 0) said.push(`${offered.join('; ')} (bad password = wrong LOCKBENCH_GATEWAY_SECRET; no username = none configured)`);
  if (mine) {
    if (mine.refused.connect > 0) {
      said.push(`CONNECT as gw:${apId} refused ${mine.refused.connect}× (${[...new Set(mine.refusals.filter((r) => r.startsWith('connect ')).map((r) => r.slice('connect '.length)))].join('; ')}; bad_credentials = wrong LOCKBENCH_GATEWAY_SECRET or username)`);
    }
    if (mine.errors > 0) said.push(`${mine.errors} connection(s) closed for a protocol error (not MQTT 3.1.1, garbage or oversize packets)`);
    if (mine.connects > 0 && !mine.lastStatus) said.push(`connected ${mine.connects}× (client id ${mine.clientId}) but published no status on ${gatewayTopic(apId, 'status', '')}`);
    if (mine.lastStatus && !mine.lastStatus.retain) said.push(`published status ${mine.lastStatus.payload} without the retain flag`);
    if (mine.lastStatus?.retain && !broker.retainedOnline(apId)) said.push(`its retained status is ${mine.lastStatus.payload}, not {"online": true}`);
    if (mine.refused.publish + mine.refused.subscribe > 0) said.push(`refused: ${mine.refusals.filter((r) => !r.startsWith('connect')).join('; ')}`);
  }
  return said.join('\n  ') || 'nothing more to say: the broker saw no problem';
}

/**
 * Wait (bounded by `waitS`) until the gateway's retained status says online and the cloud knows it;
 * retries as long as the gateway is still connecting. Throws once with `diagnose` on timeout.
 */
export async function waitForGateway(world: World, apId: number, waitS: number): Promise<void> {
  const { broker, cloud } = hostParts(world);
  const online = (): boolean => broker.retainedOnline(apId) && cloud.gatewayOnline(apId);
  await waitUntil(`gateway target: gateway ${apId} online (LOCKBENCH_GATEWAY_WAIT_S)`, online, {
    timeoutMs: waitS * 1000, intervalMs: 50, seen: () => `the broker saw:\n  ${diagnose(world, apId)}`,
  });
}
