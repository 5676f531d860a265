/**
 * What the broker saw of each authenticated client, by its username (`gw:7001`, `cloud`): refusals
 * of what it did once authenticated (a will or client id not its own, a publish or subscribe outside
 * its topics), its protocol errors, its connection, will and subscriptions, what it sent that the
 * contract does not allow, and the last status and events of a gateway. The harness's view of a
 * gateway it does not control (TEST-PLAN GWP-01, GWP-04, GWP-06); counters only grow, lists are
 * bounded. A CONNECT without valid credentials says nothing about the name it offered (anyone can
 * offer any name, DESIGN §4 security): those go to `strangers`, bounded, never to a record here.
 */
import { Strangers } from './strangers.ts';

/** Most refusal reasons and events kept per client. */
const KEPT = 64;

/** A will or status as the broker got it. */
export interface SeenMessage {
  topic: string;
  /** The payload as UTF-8 text. */
  payload: string;
  qos: number;
  retain: boolean;
}

/** One client (username) over the broker's life. */
export interface ClientRecord {
  username: string;
  /** Accepted CONNECTs. */
  connects: number;
  /** Refused CONNECTs, PUBLISHes and SUBSCRIBEs. */
  refused: { connect: number; publish: number; subscribe: number };
  /** The latest refusals, oldest first: `connect bad_credentials`, `publish kexin/v1/gw/1/cmd (retain)`, … */
  refusals: string[];
  /** Connections closed for a protocol error (garbage, a malformed or oversize packet). */
  errors: number;
  /** Connections the broker dropped on purpose (`Broker.drop`). */
  drops: number;
  /** Connected now. */
  connected: boolean;
  /** Of the latest accepted connection. */
  clientId: string | null;
  will: SeenMessage | null;
  subscriptions: { topic: string; qos: number }[];
  /** The latest publish to the gateway's own `status`. */
  lastStatus: SeenMessage | null;
  /** The latest events published, with the number of the connection (1 = first accepted) that sent them. */
  events: { connection: number; body: string }[];
  /** Messages on its own topics that the contract does not allow (DESIGN §4: an event with lock_time 1e300, …). */
  malformed: number;
  /** The latest of them, oldest first: `event {"lock_time":1e300,…}: lock_time must be …`. */
  malformedMessages: string[];
}

const push = <T>(list: T[], item: T): void => {
  list.push(item);
  if (list.length > KEPT) list.shift();
};

/** The broker's records, one per username. */
export class ClientRecords {
  private readonly records = new Map<string, ClientRecord>();
  /** Refused CONNECTs of clients that never authenticated, apart and bounded. */
  readonly strangers = new Strangers();

  /** The record of `username`, made on first sight. */
  of(username: string | undefined): ClientRecord {
    const key = username ?? '';
    let r = this.records.get(key);
    if (!r) {
      r = {
        username: key, connects: 0, refused: { connect: 0, publish: 0, subscribe: 0 }, refusals: [], errors: 0, drops: 0,
        connected: false, clientId: null, will: null, subscriptions: [], lastStatus: null, events: [], malformed: 0, malformedMessages: [],
      };
      this.records.set(key, r);
    }
    return r;
  }

  /** A refusal of what an authenticated client did (unauthenticated CONNECTs go to `strangers`). */
  refuse(username: string | undefined, kind: 'connect' | 'publish' | 'subscribe', why: string): void {
    const r = this.of(username);
    r.refused[kind]++;
    push(r.refusals, `${kind} ${why}`);
  }

  connected(username: string | undefined, clientId: string, will: SeenMessage | null): void {
    const r = this.of(username);
    r.connects++;
    r.connected = true;
    r.clientId = clientId;
    r.will = will;
    r.subscriptions = [];
  }

  disconnected(username: string | undefined): void {
    this.of(username).connected = false;
  }

  subscribed(username: string | undefined, topic: string, qos: number): void {
    const subs = this.of(username).subscriptions;
    const i = subs.findIndex((s) => s.topic === topic);
    if (i >= 0) subs.splice(i, 1);
    if (subs.length < KEPT) subs.push({ topic, qos });
  }

  published(username: string | undefined, kind: 'status' | 'event', message: SeenMessage): void {
    const r = this.of(username);
    if (kind === 'status') r.lastStatus = message;
    else push(r.events, { connection: r.connects, body: message.payload });
  }

  /** `username` sent on its own topic something the contract does not allow (`what`: kind, payload head, why). */
  malformedMessage(username: string | undefined, what: string): void {
    const r = this.of(username);
    r.malformed++;
    push(r.malformedMessages, what);
  }

  /**
   * Start over, keeping for each client connected now its connection and subscriptions (so a
   * record after the reset still describes the live session) but no counts, refusals or events.
   */
  reset(live: ReadonlyMap<string, ReadonlySet<unknown>>): void {
    this.strangers.reset();
    for (const [key, r] of this.records) {
      if (!(live.get(key)?.size)) {
        this.records.delete(key);
        continue;
      }
      Object.assign(r, { connects: 1, refused: { connect: 0, publish: 0, subscribe: 0 }, refusals: [], errors: 0, drops: 0, events: [], malformed: 0, malformedMessages: [] });
    }
  }

  /** Every record, by username. */
  all(): Record<string, ClientRecord> {
    return Object.fromEntries(this.records);
  }
}
