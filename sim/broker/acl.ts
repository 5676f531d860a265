import { gatewayTopic, isUint32Id, parseGatewayTopic, safeEqual } from '../protocol/index.ts';

/** Who an authenticated MQTT client is (DESIGN §4 security). */
export type Identity =
  | { kind: 'cloud' }
  | { kind: 'gateway'; apId: number }
  /** Never under the contract's rules: only where a seeded rule lets one in (seeded.ts). */
  | { kind: 'anonymous' };

/** The broker's credentials and the rules it applies (the contract's, or seeded ones: seeded.ts). */
export interface AclConfig {
  cloudPassword: string;
  gatewaySecret: (apId: number) => string | undefined;
  rules: AclRules;
}

/** What a CONNECT packet offers for authentication. */
export interface ConnectOffer {
  username: string | undefined;
  password: Buffer | undefined;
  /** The connection's last-will topic and retain flag, if it has one. */
  will?: { topic: string; retain: boolean } | null | undefined;
}

/** Why a connection is refused; maps to the MQTT 3.1.1 CONNACK return code. */
export type ConnectRefusal = 'anonymous' | 'bad_credentials' | 'will_not_allowed' | 'client_id_taken';

export type AuthResult = { ok: true; identity: Identity } | { ok: false; refusal: ConnectRefusal };

/** CONNACK return codes (MQTT 3.1.1 §3.2.2.3): 2 identifier rejected, 4 bad user name or password, 5 not authorized. */
export const CONNACK_CODE: Readonly<Record<ConnectRefusal, 2 | 4 | 5>> = {
  anonymous: 5,
  bad_credentials: 4,
  will_not_allowed: 5,
  client_id_taken: 2,
};

/** `gw:{ap_id}` → ap_id (uint32 ≥ 1, no leading zeros), else null. */
export function gatewayOfUsername(username: string): number | null {
  const m = /^gw:([1-9]\d{0,9})$/.exec(username);
  if (!m) return null;
  const apId = Number(m[1]);
  return isUint32Id(apId) ? apId : null;
}

/** A stable key of an identity, for comparing two connections' owners. */
export function identityKey(identity: Identity): string {
  return identity.kind === 'gateway' ? `gw:${identity.apId}` : identity.kind;
}

// An empty configured secret never matches: a missing secret must not mean "no password".
function secretMatches(offered: Buffer | undefined, expected: string | undefined): boolean {
  if (offered === undefined || expected === undefined || expected.length === 0) return false;
  return safeEqual(offered.toString('utf8'), expected);
}

function identify(offer: ConnectOffer, cfg: AclConfig): AuthResult {
  const { username, password } = offer;
  if (username === undefined || username.length === 0) return cfg.rules.anonymous();
  if (username === 'cloud') {
    return secretMatches(password, cfg.cloudPassword) ? { ok: true, identity: { kind: 'cloud' } } : { ok: false, refusal: 'bad_credentials' };
  }
  const apId = gatewayOfUsername(username);
  if (apId !== null && secretMatches(password, cfg.gatewaySecret(apId))) return { ok: true, identity: { kind: 'gateway', apId } };
  return { ok: false, refusal: 'bad_credentials' };
}

/**
 * DESIGN §4: every client authenticates — the cloud as `cloud`, a gateway as `gw:{ap_id}` with its
 * own secret (constant-time compare); anonymous clients are refused. A will counts as a publish by
 * that client, and a gateway's will may only be its own `status`.
 */
export function authenticate(offer: ConnectOffer, cfg: AclConfig): AuthResult {
  const who = identify(offer, cfg);
  if (!who.ok || !offer.will) return who;
  const { identity } = who;
  const willOk =
    identity.kind === 'gateway'
      ? isOwn(identity.apId, offer.will.topic, 'status')
      : authorizePublish(identity, offer.will.topic, offer.will.retain);
  return willOk ? who : { ok: false, refusal: 'will_not_allowed' };
}

/** Whether `topic` is exactly gateway `apId`'s `kind` topic, in any namespace (DESIGN §13). */
function isOwn(apId: number, topic: string, kind: 'status' | 'cmd'): boolean {
  const t = parseGatewayTopic(topic);
  return t !== null && t.apId === apId && t.kind === kind && topic === gatewayTopic(apId, kind, t.ns);
}

/**
 * The identity a client id belongs to by its spelling: the gateway id pattern (`gw-{ap_id}`, also
 * `gw:` and `gw_`, in any namespace) belongs to that gateway, `cloud` and `cloud-…` to the cloud; other ids to no one
 * until first used.
 */
export function reservedOwner(clientId: string): string | undefined {
  // In any namespace too (DESIGN §13: `{ns}/gw-{ap_id}`, `{ns}/cloud-…`).
  const id = clientId.replace(/^[A-Za-z0-9_-]{1,64}\//, '');
  const gw = /^gw[-:_]([1-9]\d{0,9})$/.exec(id);
  if (gw) return `gw:${gw[1]}`;
  if (id === 'cloud' || id.startsWith('cloud-')) return 'cloud';
  return undefined;
}

/**
 * A client id belongs to its owner whether or not the owner is connected: MQTT lets a new
 * connection with the same id kick the old one (MQTT-3.1.4-2), so a foreign identity taking it
 * could knock the cloud offline, or lock a gateway out while it is down. The owner is the
 * reserved one by spelling, else the identity that bound the id by using it first (`boundOwner`).
 * A gateway may still pick any id nobody owns.
 */
export function authorizeClientId(identity: Identity, clientId: string, boundOwner: string | undefined): boolean {
  const owner = reservedOwner(clientId) ?? boundOwner;
  return owner === undefined || owner === identityKey(identity);
}

/**
 * DESIGN §4: the cloud publishes only to gateways' `cmd`; a gateway only to its own `status`, `ack`
 * and `event`. Only `status` is retained — a retained `cmd` would be replayed on every reconnect.
 */
export function authorizePublish(identity: Identity, topic: string, retain: boolean): boolean {
  const t = parseGatewayTopic(topic);
  // Canonical spelling only: `gw/07/status` parses as gateway 7 but no exact subscription matches it.
  if (t === null || topic !== gatewayTopic(t.apId, t.kind, t.ns)) return false;
  switch (identity.kind) {
    case 'cloud':
      return t.kind === 'cmd' && !retain;
    case 'gateway':
      if (t.apId !== identity.apId) return false;
      return t.kind === 'status' || ((t.kind === 'ack' || t.kind === 'event') && !retain);
    case 'anonymous':
      return false;
  }
}

// An optional namespace level first (DESIGN §13), never a wildcard: a namespace is one world.
export const NS_LEVEL = '(?:[A-Za-z0-9_-]{1,64}\\/)?';
const CLOUD_FILTER = new RegExp(`^${NS_LEVEL}kexin\\/v1\\/gw\\/(\\+|[1-9]\\d{0,9})\\/(status|ack|event)$`);

/** DESIGN §4: the cloud subscribes to gateways' `status`, `ack`, `event` (one gateway or `+`), in any namespace (§13). */
export const cloudMaySubscribe = (filter: string): boolean => CLOUD_FILTER.test(filter);

/**
 * The steps of the ACL a seeded defect may wrap (seeded.ts), each answering as DESIGN §4 says;
 * `CONTRACT_ACL` is every broker's unless a defect is seeded.
 */
export interface AclRules {
  /** Who a CONNECT without a username is: nobody (refused). */
  anonymous(): AuthResult;
  /** Whether gateway `apId` may subscribe to `filter`: only its own `cmd`, exactly (no wildcards), in any namespace. */
  gatewaySubscribe(apId: number, filter: string): boolean;
  /** Whether an anonymous client may subscribe to `filter`: there is none under the contract. */
  anonymousSubscribe(filter: string): boolean;
}

export const CONTRACT_ACL: AclRules = Object.freeze({
  anonymous: (): AuthResult => ({ ok: false, refusal: 'anonymous' }),
  gatewaySubscribe: (apId: number, filter: string) => isOwn(apId, filter, 'cmd'),
  anonymousSubscribe: () => false,
});

/** DESIGN §4: the cloud subscribes as `cloudMaySubscribe` says; a gateway and anyone else as `rules` say. */
export function authorizeSubscribe(identity: Identity, filter: string, rules: AclRules = CONTRACT_ACL): boolean {
  switch (identity.kind) {
    case 'cloud':
      return cloudMaySubscribe(filter);
    case 'gateway':
      return rules.gatewaySubscribe(identity.apId, filter);
    case 'anonymous':
      return rules.anonymousSubscribe(filter);
  }
}
