/**
 * One test's side of a cassette (docs/cli.md §8 "Record and replay"): a `Recorder` passes each
 * request to the cloud and keeps the exchange; a `Player` answers from the recorded exchanges without any
 * network. Both are the client's `ExchangeHook`.
 */
import type { ExchangeHook, IncomingAnswer, OutgoingRequest } from '../../client/api-client.ts';
import { answerOf, exchangeOf, requestOf, type Exchange } from './cassette.ts';
import { changeText, fieldChanges } from './field-diff.ts';
import { Minter } from './volatile.ts';

/** Keeps every exchange of one test, minted values mapped consistently for the whole test. */
export class Recorder {
  readonly exchanges: Exchange[] = [];
  private readonly minter = new Minter();

  readonly hook: ExchangeHook = async (req, send) => {
    const ans = await send(req);
    this.exchanges.push(exchangeOf(req, ans, this.minter));
    return ans;
  };
}

/** A request that matches no recorded exchange: the test fails with this, naming the nearest one. */
export class UnrecordedRequest extends Error {
  override name = 'UnrecordedRequest';
}

/**
 * Answers one test's requests from its recorded exchanges: a request gets the answer of the first unused
 * exchange whose request is identical in cassette form, so the n-th of several identical requests gets the
 * n-th recorded answer.
 */
export class Player {
  private readonly used: boolean[];

  constructor(private readonly test: string, private readonly recorded: readonly Exchange[] | undefined) {
    this.used = (recorded ?? []).map(() => false);
  }

  readonly hook: ExchangeHook = async (req) => this.answer(req);

  answer(req: OutgoingRequest): IncomingAnswer {
    const sent = requestOf(req);
    const key = keyOf(sent);
    const recorded = this.recorded ?? [];
    const i = recorded.findIndex((x, j) => !this.used[j] && keyOf(x) === key);
    if (i >= 0) {
      this.used[i] = true;
      return answerOf(recorded[i]!);
    }
    throw new UnrecordedRequest(this.missText(sent));
  }

  /** The numbers (1-based) of recorded exchanges no request asked for (a spec that took another path). */
  unused(): number[] {
    return this.used.flatMap((u, i) => (u ? [] : [i + 1]));
  }

  private missText(sent: ReturnType<typeof requestOf>): string {
    const head = `replay: ${sent.method} ${sent.path} matches no recorded exchange of test "${this.test}"`;
    const recorded = this.recorded ?? [];
    if (!this.recorded) return `${head}: the cassette has no such test (record it again)`;
    if (recorded.length === 0) return `${head}: the test recorded no exchange`;
    const near = nearest(sent, recorded, this.used);
    const x = recorded[near.index]!;
    const lines = near.changes.length ? near.changes.map((c) => `  ${changeText(c)}`) : ['  (identical, but its answer was already given: the test sends it more often than recorded)'];
    return `${head}; nearest is #${near.index + 1} of ${recorded.length} (${x.method} ${x.path}${this.used[near.index] ? ', already answered' : ''}), recorded → sent:\n${lines.join('\n')}`;
  }
}

type RequestPart = ReturnType<typeof requestOf>;

function keyOf(r: RequestPart): string {
  return JSON.stringify([r.method, r.path, r.headers ?? {}, r.request]);
}

/** The recorded request closest to `sent`: fewest changed fields, unused ones first, then the earliest. */
function nearest(sent: RequestPart, recorded: readonly Exchange[], used: readonly boolean[]): { index: number; changes: ReturnType<typeof fieldChanges> } {
  let best = { index: 0, changes: fieldChanges(partOf(recorded[0]!), sent, '$'), score: Infinity };
  recorded.forEach((x, i) => {
    const changes = fieldChanges(partOf(x), sent, '$');
    const score = changes.length * 2 + (used[i] ? 1 : 0);
    if (score < best.score) best = { index: i, changes, score };
  });
  return { index: best.index, changes: best.changes };
}

function partOf(x: Exchange): RequestPart {
  return { method: x.method, path: x.path, ...(x.headers ? { headers: x.headers } : {}), request: x.request };
}
