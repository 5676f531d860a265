/**
 * The station's hub, in the `conformance` process (so its URL is printed before Playwright starts and the page
 * outlives the runner's last event): it tails every feed file of the station folder (the runner's reporter and
 * each worker append NDJSON there, see feed.ts), passes each event to the page, draws the current test's wire
 * timeline with the report's own renderer, and turns an operator's "done" into the answer file a worker waits for.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readSync, renameSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { WireEntry } from '../client/wire-log.ts';
import { sequenceHtml } from '../report/sequence-html.ts';
import { secretsOf, type StationEvent } from './events.ts';
import { answerFile } from './feed.ts';
import { StationServer } from './server.ts';

/** The wire timeline is redrawn at most this often, ms (a test may log hundreds of frames a second). */
const TIMELINE_EVERY_MS = 500;

export interface StationHubOptions {
  dir: string;
  host: string;
  port: number;
  env?: NodeJS.ProcessEnv;
}

/** "done" for `promptId`, renamed into place whole: the worker watching the folder never reads half a file. */
function writeAnswer(dir: string, promptId: string): void {
  const file = answerFile(dir, promptId);
  writeFileSync(`${file}.part`, `${JSON.stringify({ answer: 'done' })}\n`);
  renameSync(`${file}.part`, file);
}

export class StationHub {
  private readonly offsets = new Map<string, number>();
  private readonly partial = new Map<string, string>();
  private watcher: FSWatcher | undefined;
  private current: { testId: string; title: string; startedAtMs: number; entries: WireEntry[] } | undefined;
  private timeline: NodeJS.Timeout | undefined;
  private timelineVersion = 0;
  private readonly badFeeds = new Set<string>();
  /** Prompts waiting for "done", oldest first (the terminal's Enter answers the oldest). */
  private readonly waiting: string[] = [];

  private constructor(private readonly dir: string, private readonly server: StationServer) {}

  static async start(opts: StationHubOptions): Promise<StationHub> {
    mkdirSync(opts.dir, { recursive: true });
    const dir = opts.dir;
    const server = await StationServer.start({
      host: opts.host, port: opts.port, secrets: secretsOf(opts.env ?? process.env),
      onAnswer: (promptId) => writeAnswer(dir, promptId),
    });
    const hub = new StationHub(dir, server);
    hub.watcher = watch(dir, () => hub.drain());
    return hub;
  }

  get url(): string {
    return this.server.url;
  }

  /** Read what every feed file gained since the last read. */
  drain(): void {
    for (const name of readdirSync(this.dir)) {
      if (!name.startsWith('feed-') || !name.endsWith('.ndjson')) continue;
      const path = join(this.dir, name);
      const fd = openSync(path, 'r');
      try {
        let offset = this.offsets.get(name) ?? 0;
        const buf = Buffer.alloc(64 * 1024);
        let text = this.partial.get(name) ?? '';
        for (let n; (n = readSync(fd, buf, 0, buf.length, offset)) > 0; offset += n) text += buf.toString('utf8', 0, n);
        this.offsets.set(name, offset);
        const lines = text.split('\n');
        this.partial.set(name, lines.pop() ?? '');
        for (const line of lines) if (line.trim()) this.takeLine(name, line);
      } finally {
        closeSync(fd);
      }
    }
  }

  /** The terminal's answer (conformance reads a line of stdin): "done" for the oldest open prompt. */
  answerOldest(): boolean {
    const promptId = this.waiting[0];
    if (promptId === undefined) return false;
    writeAnswer(this.dir, promptId);
    return true;
  }

  /** One line of a feed; a line that is not an event is said once per feed and skipped (the page is a view: the run goes on). */
  private takeLine(feed: string, line: string): void {
    let e: StationEvent;
    try {
      e = JSON.parse(line) as StationEvent;
    } catch (err) {
      if (!this.badFeeds.has(feed)) process.stderr.write(`lockbench station: ${feed}: a line that is not JSON skipped (${(err as Error).message})\n`);
      this.badFeeds.add(feed);
      return;
    }
    this.take(e);
  }

  private take(e: StationEvent): void {
    this.server.publish(e);
    if (e.type === 'prompt') {
      this.waiting.push(e.promptId);
      process.stdout.write(`\noperator: ${e.instruction} Press "done" on ${this.url} or Enter here (within ${Math.round((e.untilMs - e.atMs) / 1000)} s).\n`);
    }
    if (e.type === 'prompt-end' && this.waiting.includes(e.promptId)) this.waiting.splice(this.waiting.indexOf(e.promptId), 1);
    if (e.type === 'test-begin') this.current = { testId: e.testId, title: e.title, startedAtMs: e.atMs, entries: [] };
    if (e.type === 'wire' && this.current?.testId === e.testId) {
      this.current.startedAtMs = e.startedAtMs;
      this.current.entries.push(e.entry);
      this.timeline ??= setTimeout(() => this.drawTimeline(), TIMELINE_EVERY_MS);
    }
    if (e.type === 'test-end' && this.current?.testId === e.testId) this.drawTimeline(e.error);
  }

  private drawTimeline(error?: string): void {
    clearTimeout(this.timeline);
    this.timeline = undefined;
    const c = this.current;
    if (!c || c.entries.length === 0) return;
    this.server.setTimeline(sequenceHtml({ title: c.title, header: { test: c.title }, startedAt: c.startedAtMs, entries: c.entries, ...(error ? { error } : {}) }));
    this.server.publish({ type: 'sequence', testId: c.testId, version: ++this.timelineVersion });
  }

  async close(): Promise<void> {
    this.drain();
    clearTimeout(this.timeline);
    this.watcher?.close();
    await this.server.close();
  }
}
