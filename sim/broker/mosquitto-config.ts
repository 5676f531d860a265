import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { TOPIC_ROOT } from '../protocol/index.ts';

/**
 * Mosquitto 2 configuration for a fixture's fleet (DESIGN §13): §4's credentials and ACL, holding in
 * every namespace. Pure text builders; `bin/broker-config.ts` writes them.
 *
 * Mosquitto 2.0's `password_file` splits each line at the first `:`, so it cannot hold a user called
 * `gw:{ap_id}` (it logs "Invalid password hash type for user gw" and drops the entry). The cloud is in
 * `passwd` + `acl`; the gateways are in the dynamic-security plugin's JSON, which takes any user name.
 * Mosquitto asks that plugin first and falls back to the files for users the plugin does not know.
 */

/** PBKDF2-SHA512 parameters of Mosquitto's `$7$` hashes (what `mosquitto_passwd` writes). */
const ITERATIONS = 101;
const SALT_BYTES = 12;
const HASH_BYTES = 64;

interface Hashed {
  salt: Buffer;
  hash: Buffer;
}

function hashOf(password: string, salt: NonSharedBuffer = randomBytes(SALT_BYTES)): Hashed {
  return { salt, hash: pbkdf2Sync(password, salt, ITERATIONS, HASH_BYTES, 'sha512') };
}

/** One `password_file` line: `user:$7$101$salt$hash` (base64), as `mosquitto_passwd` writes it. */
export function passwdLine(user: string, password: string, salt?: NonSharedBuffer): string {
  if (user.includes(':')) throw new Error(`a Mosquitto password file cannot hold user "${user}" (":" splits its lines)`);
  const h = hashOf(password, salt);
  return `${user}:$7$${ITERATIONS}$${h.salt.toString('base64')}$${h.hash.toString('base64')}`;
}

// Both spellings of each rule: §4 exactly (real gateways, empty namespace) and one namespace level before it (§13).
const spellings = (tail: string): string[] => [`${TOPIC_ROOT}/${tail}`, `+/${TOPIC_ROOT}/${tail}`];

/** `acl_file` text: the cloud publishes only `cmd` and reads only `status`, `ack`, `event` (DESIGN §4). */
export function cloudAcl(): string {
  return [
    '# DESIGN §4 for user cloud, in every namespace (DESIGN §13). Gateways: dynamic-security.json.',
    'user cloud',
    ...spellings('+/cmd').map((t) => `topic write ${t}`),
    ...['status', 'ack', 'event'].flatMap((k) => spellings(`+/${k}`)).map((t) => `topic read ${t}`),
    '',
  ].join('\n');
}

/**
 * `acl_file` rules of the read-only tap that puts MQTT into the harness's wire logs (DESIGN §14): it reads
 * every §4 topic of every gateway — `cmd` included — in every namespace, and writes none (no write rule
 * is a refusal in Mosquitto's ACL file).
 */
export function tapAcl(): string {
  return [
    '# The wire-log tap (DESIGN §14): reads every DESIGN §4 topic in every namespace, writes nothing.',
    'user tap',
    ...['cmd', 'status', 'ack', 'event'].flatMap((k) => spellings(`+/${k}`)).map((t) => `topic read ${t}`),
    '',
  ].join('\n');
}

interface DynsecAcl {
  acltype: 'publishClientSend' | 'publishClientReceive' | 'subscribePattern';
  topic: string;
  priority: number;
  allow: boolean;
}

/**
 * The dynamic-security plugin's configuration: one client `gw:{ap_id}` per gateway with its own role —
 * publish its own `status`, `ack`, `event`; subscribe to and receive its own `cmd`; nothing else.
 * Topics are written per gateway rather than with `%u`, which would be the whole user name `gw:7001`.
 */
export function gatewaysDynsec(gateways: readonly { apId: number; secret: string }[]): string {
  const allow = (acltype: DynsecAcl['acltype'], topic: string): DynsecAcl => ({ acltype, topic, priority: 0, allow: true });
  const config = {
    defaultACLAccess: { publishClientSend: false, publishClientReceive: false, subscribe: false, unsubscribe: true },
    clients: gateways.map((g) => {
      const h = hashOf(g.secret);
      return {
        username: `gw:${g.apId}`, password: h.hash.toString('base64'), salt: h.salt.toString('base64'), iterations: ITERATIONS,
        roles: [{ rolename: `gw:${g.apId}` }],
      };
    }),
    groups: [],
    roles: gateways.map((g) => ({
      rolename: `gw:${g.apId}`,
      acls: [
        ...['status', 'ack', 'event'].flatMap((k) => spellings(`${g.apId}/${k}`)).map((t) => allow('publishClientSend', t)),
        ...spellings(`${g.apId}/cmd`).flatMap((t) => [allow('subscribePattern', t), allow('publishClientReceive', t)]),
      ],
    })),
  };
  return `${JSON.stringify(config)}\n`;
}

export interface ListenerOptions {
  dir: string;
  port: number;
  bind: string;
  /** The user Mosquitto runs as when started by root (it reads the 0600 files above); default `mosquitto`. */
  user: string;
}

/**
 * `mosquitto.conf`: one listener, anonymous refused, the files above, persistence off, a log file in `dir`.
 * `plugin` is the dynamic-security plugin's path on the broker's host (dynsec-plugin.ts finds it).
 */
export function mosquittoConf(o: ListenerOptions, plugin: string): string {
  return [
    '# Written by `npm run broker-config` (DESIGN §13).',
    'per_listener_settings false',
    `user ${o.user}`,
    `listener ${o.port} ${o.bind}`,
    'allow_anonymous false',
    `password_file ${o.dir}/passwd`,
    `acl_file ${o.dir}/acl`,
    `plugin ${plugin}`,
    `plugin_opt_config_file ${o.dir}/dynamic-security.json`,
    'persistence false',
    `log_dest file ${o.dir}/mosquitto.log`,
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'connection_messages true',
    // A fleet of 10,000 gateways on one broker has as many connections (DESIGN §13 fleets).
    'max_connections -1',
    // The cloud learns online/offline from `status` only (DESIGN §4): a fleet coming up sends it one
    // QoS 1 message per gateway at once. Mosquitto's default queue (1000 per client) drops the rest.
    'max_inflight_messages 1000',
    'max_queued_messages 1000000',
    '',
  ].join('\n');
}
