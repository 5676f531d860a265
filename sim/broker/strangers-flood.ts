/**
 * A stranger hammering a broker with CONNECTs it must refuse (DESIGN §4 security; TEST-PLAN GWP-06):
 * half offer `gw:{ap_id}` with a wrong password, half a random username, each from one of many
 * loopback addresses (a lab LAN has many strangers; one address alone would be slowed to ~1 a
 * second by `strangers.ts`). Raw MQTT 3.1.1 on plain sockets — no client library's reconnect logic —
 * so every attempt is one CONNECT and one CONNACK, counted by its answer.
 */
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface FloodOptions {
  host: string;
  port: number;
  /** The gateway whose name the stranger offers (with a wrong password) on every other attempt. */
  apId: number;
  /** Attempts in all; default: until `signal` aborts. */
  count?: number;
  /** Sockets at once; default 8. */
  concurrency?: number;
  /** Source addresses 127.0.{1…}.{1…250} rotated per attempt; default 1000 (1: only 127.0.0.1). */
  addresses?: number;
  /** Bound of one attempt, ms; default 3000 (over the broker's longest slowed refusal). */
  attemptTimeoutMs?: number;
  signal?: AbortSignal;
}

/** What the broker answered the stranger. */
export interface FloodFigures {
  attempts: number;
  /** CONNACK 4 (bad username or password) or 5 (not authorised). */
  refused: number;
  /** CONNACK 0: the broker let a stranger in — never acceptable. */
  accepted: number;
  /** No CONNACK: the connection failed, closed or timed out (a broker not up yet counts here). */
  unanswered: number;
  /** Attempts that offered `gw:{apId}`. */
  offeringGateway: number;
}

/** An MQTT string: u16 BE length, then UTF-8. */
function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
}

/** An MQTT 3.1.1 CONNECT with username and password, clean session, keep-alive 60 s. */
export function connectPacket(clientId: string, username: string, password: string): Buffer {
  const body = Buffer.concat([str('MQTT'), Buffer.from([0x04, 0xc2, 0x00, 0x3c]), str(clientId), str(username), str(password)]);
  const len: number[] = [];
  for (let n = body.length; ; ) {
    const byte = n % 128;
    n = Math.floor(n / 128);
    len.push(n > 0 ? byte | 0x80 : byte);
    if (n === 0) break;
  }
  return Buffer.concat([Buffer.from([0x10, ...len]), body]);
}

/** The source address of attempt `i` among `n`. */
function addressOf(i: number, n: number): string {
  if (n <= 1) return '127.0.0.1';
  const k = i % n;
  return `127.0.${1 + Math.floor(k / 250)}.${1 + (k % 250)}`;
}

/** One CONNECT; resolves with the CONNACK's return code, or undefined when none came. */
function attempt(o: FloodOptions, localAddress: string, packet: Buffer): Promise<number | undefined> {
  return new Promise((resolve) => {
    const s = connect({ host: o.host, port: o.port, localAddress });
    let got = Buffer.alloc(0);
    const end = (code: number | undefined): void => {
      clearTimeout(timer);
      s.destroy();
      resolve(code);
    };
    const timer = setTimeout(() => end(undefined), o.attemptTimeoutMs ?? 3000);
    s.on('error', () => end(undefined));
    s.on('close', () => end(undefined));
    s.on('connect', () => s.write(packet));
    s.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 4) end(got[0] === 0x20 ? got[3] : undefined);
    });
  });
}

/** Run the flood until `count` attempts or `signal`; resolves with what the broker answered. */
export async function strangerFlood(o: FloodOptions): Promise<FloodFigures> {
  const figures: FloodFigures = { attempts: 0, refused: 0, accepted: 0, unanswered: 0, offeringGateway: 0 };
  const more = (): boolean => !o.signal?.aborted && (o.count === undefined || figures.attempts < o.count);
  const worker = async (): Promise<void> => {
    while (more()) {
      const i = figures.attempts++;
      const offerGateway = i % 2 === 0;
      if (offerGateway) figures.offeringGateway++;
      const username = offerGateway ? `gw:${o.apId}` : `stranger-${randomBytes(4).toString('hex')}`;
      const code = await attempt(o, addressOf(i, o.addresses ?? 1000), connectPacket(`s-${randomBytes(6).toString('hex')}`, username, randomBytes(12).toString('hex')));
      if (code === 0) figures.accepted++;
      else if (code === 4 || code === 5) figures.refused++;
      else {
        figures.unanswered++;
        // Not up yet, or gone: do not spin.
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 8 }, worker));
  return figures;
}
