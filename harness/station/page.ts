/**
 * The station page: one self-contained HTML document whose script folds the event stream (`/events`, see
 * events.ts) into what a person at the bench needs — the run, the current test, its waits as countdowns,
 * operator prompts, the device (lab: device clock against host clock with LAB-05's window and its fit in ppm ±
 * uncertainty, link counters, last frames; gateway:
 * connection, retained status, each command with its acks and the events it caused; sim: world time and each lock's
 * clock from the lock_time of its events) and the current test's wire
 * timeline as harness/report/sequence-html.ts draws it. Text goes in as text, never as markup; the timeline
 * is the server's `/timeline` page in a sandboxed frame, reloaded when the hub redraws it.
 */

/** LAB-05's measured drift as the test's `clock accuracy` annotation says it (harness/serial/clock-accuracy.ts `verdict`). */
export interface Fit {
  ppm: number;
  uncertaintyPpm: number;
  intervalS: number;
  maxPpm: number;
}

/** The fit read back from its sentence ("clock drift −3.2 ppm ± 40.1 ppm over 30.0 s: within ±100 ppm"); undefined if it is not one. */
export function fitOf(sentence: string): Fit | undefined {
  const m = /clock drift ([+−-])(\d+(?:\.\d+)?) ppm ± (\d+(?:\.\d+)?) ppm over (\d+(?:\.\d+)?) s: (?:within|exceeds) ±(\d+(?:\.\d+)?) ppm/.exec(sentence);
  if (!m) return undefined;
  return { ppm: (m[1] === '+' ? 1 : -1) * Number(m[2]), uncertaintyPpm: Number(m[3]), intervalS: Number(m[4]), maxPpm: Number(m[5]) };
}

/**
 * The fit drawn (DESIGN §11: LAB-05 fails only when the drift exceeds the limit beyond its uncertainty): the device's
 * gain over the host across the window, ms, against window time — the fitted line, its ± uncertainty as a band,
 * and the ± limit as two lines, in a `w`×`h` box. Drift of a few ppm over 30 s is a fraction of a millisecond, lost
 * in the whole-second clock plot, so it gets a scale of its own.
 */
export function fitGeometry(fit: Fit, w: number, h: number): { line: [number, number, number, number]; band: string; limits: [number, number]; spanMs: number } {
  const msAt = (ppm: number): number => (ppm * fit.intervalS) / 1000;
  const spanMs = 1.1 * Math.max(Math.abs(fit.ppm) + fit.uncertaintyPpm, fit.maxPpm) * fit.intervalS / 1000;
  // The top 16 px hold the label; zero sits in the middle of what is left. (Constants live inside: the page gets this function's text.)
  const FIT_LABEL_PX = 16;
  const mid = FIT_LABEL_PX + (h - FIT_LABEL_PX) / 2;
  const y = (ms: number): number => mid - ((h - FIT_LABEL_PX) / 2 - 4) * (ms / spanMs);
  const x0 = 30;
  const x1 = w - 10;
  const band = [[x0, y(0)], [x1, y(msAt(fit.ppm + fit.uncertaintyPpm))], [x1, y(msAt(fit.ppm - fit.uncertaintyPpm))]].map(([x, yy]) => `${x},${yy}`).join(' ');
  return { line: [x0, y(0), x1, y(msAt(fit.ppm))], band, limits: [y(msAt(fit.maxPpm)), y(msAt(-fit.maxPpm))], spanMs };
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:16px;color:#222;display:grid;grid-template-columns:minmax(420px,1fr) minmax(420px,1fr);gap:12px}
section{border:1px solid #ccc;border-radius:6px;padding:8px 12px}h1{grid-column:1/-1;margin:0;font-size:20px}h2{font-size:15px;margin:4px 0 8px}
.pass{color:#17692c}.fail{color:#b00020;font-weight:bold}.skip{color:#8a6d00}.not-run{color:#666}
#prompts .prompt{background:#fff4d6;border:2px solid #d9a400;padding:8px;margin:4px 0}#prompts button{font-size:16px;padding:4px 16px}
.countdown{font-variant-numeric:tabular-nums;font-weight:bold}table{border-collapse:collapse}td,th{padding:2px 6px;text-align:left}
#frames{font:12px monospace;white-space:pre-wrap;max-height:220px;overflow:auto}#gateway{white-space:pre-wrap;margin:0}#timeline{grid-column:1/-1}
#timeline iframe{width:100%;height:420px;border:1px solid #ddd}#clock-plot,#fit-plot{background:#fafafa;border:1px solid #ddd}`;

/** The page script: state folded from events, drawn on each frame; a 250 ms tick redraws elapsed times and countdowns. */
const SCRIPT = `
const S = { target: '', total: 0, startedAtMs: 0, ended: null, ordinal: 0, test: null, steps: [], statuses: {}, tests: {pass: 0, fail: 0, skip: 0},
  waits: new Map(), prompts: new Map(), clock: [], syncs: [], link: {tx: 0, rx: 0, events: 0, acks: 0, retransmits: 0, badCrc: 0, raw: 0},
  frames: [], seen: new Map(), windows: [], fit: '', gw: {connection: [], status: null, cmd: 0, ack: 0, event: 0, cmds: new Map(), loose: 0}, world: null, locks: new Map(), operator: false };
// The two pure functions above, as the page's own (tested in node); tsx wraps inner functions in __name(f, name).
const __name = (f) => f;
const fitOf = ${fitOf.toString()};
const fitGeometry = ${fitGeometry.toString()};
/** How long after a command an event of its lock counts as caused by it, ms (an unlock's event follows its ack within ms). */
const CAUSE_MS = 2000;
const $ = (id) => document.getElementById(id);
const text = (el, s) => { el.textContent = s; return el; };
const mk = (tag, s, cls) => { const e = document.createElement(tag); if (s !== undefined) e.textContent = s; if (cls) e.className = cls; return e; };
const secs = (ms) => (ms / 1000).toFixed(1) + ' s';
function find(v, key, depth) {
  if (!v || typeof v !== 'object' || depth > 4) return undefined;
  if (typeof v[key] === 'number') return v[key];
  for (const x of Object.values(v)) { const r = find(x, key, depth + 1); if (r !== undefined) return r; }
  return undefined;
}
function cmdOf(d) { const p = d && (d.payload || d); return p && (p.cmd || p.op || p.name); }
function onWire(e) {
  const en = e.entry, hostMs = e.startedAtMs + en.ms;
  if (typeof en.world === 'number') S.world = en.world;
  if (en.kind === 'serial') {
    const d = en.detail || {}, dir = en.summary.slice(0, 2);
    if (dir === 'tx') { S.link.tx++; if (d.raw) S.link.raw++; const k = JSON.stringify([d.seq, d.payload]); if (d.seq !== undefined && S.seen.get(d.seq) === k) S.link.retransmits++; S.seen.set(d.seq, k);
      const c = String(cmdOf(d) || ''); if (/sync|clock_set|set_time/.test(c)) S.syncs.push(hostMs); }
    else { S.link.rx++; if (d.type === 3) S.link.events++; if (d.type === 4) S.link.acks++; if (/crc/i.test(JSON.stringify(d))) S.link.badCrc++;
      const t = d.type === 2 ? find(d.payload, 'lock_time', 0) : undefined; if (t !== undefined) S.clock.push({ hostMs, deviceS: t }); }
    S.frames.push(en.summary.slice(0, 3) + JSON.stringify(d).slice(0, 160)); if (S.frames.length > 12) S.frames.shift();
  } else if (en.kind === 'mqtt') {
    const kind = (/\\/(cmd|status|ack|event)$/.exec(en.summary) || [])[1];
    if (kind === 'status') { S.gw.status = typeof en.detail === 'string' ? en.detail : JSON.stringify(en.detail); S.gw.connection.push('status ' + S.gw.status + ' at ' + new Date(hostMs).toISOString().slice(11, 23)); if (S.gw.connection.length > 6) S.gw.connection.shift(); }
    else if (kind) S.gw[kind]++;
    let p; try { p = typeof en.detail === 'string' ? JSON.parse(en.detail) : en.detail; } catch (_) { p = undefined; }
    // Per command: its acks (a redelivered id is acked again) and the events of its lock within CAUSE_MS of it (before or
    // after its ack: DESIGN §4 leaves the order free); a later one, or one from the keypad or bluetooth (mode 1, 2, §3.4), is no command's.
    if (p && p.id !== undefined && kind === 'cmd' && !S.gw.cmds.has(p.id)) { S.gw.cmds.set(p.id, { op: p.op, lock: p.lock_id, atMs: hostMs, acks: [], events: [] }); if (S.gw.cmds.size > 8) S.gw.cmds.delete(S.gw.cmds.keys().next().value); }
    if (p && p.id !== undefined && kind === 'ack' && S.gw.cmds.has(p.id)) S.gw.cmds.get(p.id).acks.push({ result: p.result, afterMs: hostMs - S.gw.cmds.get(p.id).atMs });
    if (p && kind === 'event') { const c = [...S.gw.cmds.values()].reverse().find((x) => x.lock === p.lock_id); if (c && hostMs - c.atMs <= CAUSE_MS && p.mode !== 1 && p.mode !== 2) c.events.push(String(p.type)); else S.gw.loose++; }
    // Each lock's clock against world time: the lock_time its events carry, read at the world time they passed; one no
    // date can hold (a gateway's lock_time 1e300, GWP-06 names it) is not drawn — toISOString would throw on every frame.
    if (p && kind === 'event' && Math.abs(p.lock_time) < 8.64e12 && p.lock_id !== undefined) S.locks.set(p.lock_id, { lockS: p.lock_time, worldS: en.world, hostMs });
  } else if (en.kind === 'control' && /clock .*(placed|→)/.test(en.summary)) S.syncs.push(hostMs);
  if (/connect|refus|\\bwill\\b/i.test(en.summary) && en.kind !== 'serial') { S.gw.connection.push(en.summary.slice(0, 140)); if (S.gw.connection.length > 6) S.gw.connection.shift(); }
}
function fold(e) {
  switch (e.type) {
    case 'run': Object.assign(S, { target: e.target, total: e.total, startedAtMs: e.startedAtMs, operator: e.operator }); break;
    case 'test-begin': S.test = e; S.ordinal = e.ordinal; S.steps = []; $('timeline-frame').src = 'about:blank'; break;
    case 'step': if (S.test && S.test.testId === e.testId) { S.steps.push(e.title); if (S.steps.length > 5) S.steps.shift(); } break;
    case 'test-end': { const k = e.status === 'passed' ? 'pass' : e.status === 'skipped' ? 'skip' : e.status === 'interrupted' ? null : 'fail'; if (k) S.tests[k]++;
      if (S.test && S.test.testId === e.testId) S.test = Object.assign({}, S.test, { endedAtMs: e.atMs, status: e.status }); break; }
    case 'checks': S.statuses = e.statuses; break;
    case 'wire': onWire(e); break;
    case 'wait': S.waits.set(e.testId + e.what, e); if (/^LAB-05/.test(e.what)) S.windows.push({ fromMs: e.atMs, toMs: e.untilMs }); break;
    case 'wait-end': S.waits.delete(e.testId + e.what); if (/^LAB-05/.test(e.what) && S.windows.length) S.windows[S.windows.length - 1].toMs = e.atMs; break;
    case 'note': if (e.what === 'clock accuracy') S.fit = 'LAB-05 fit: ' + e.text; break;
    case 'prompt': S.prompts.set(e.promptId, e); break;
    case 'prompt-end': S.prompts.delete(e.promptId); break;
    case 'sequence': if (S.test && S.test.testId === e.testId) $('timeline-frame').src = 'timeline?v=' + e.version; break;
    case 'end': S.ended = e; break;
  }
}
function plot() {
  const svg = $('clock-plot'), W = 420, H = 160, pts = S.clock;
  svg.replaceChildren(); svg.setAttribute('data-points', String(pts.length)); svg.setAttribute('data-syncs', String(S.syncs.length));
  if (pts.length === 0) return;
  const off = pts.map((p) => p.deviceS - p.hostMs / 1000), x0 = Math.min(pts[0].hostMs, ...S.syncs), x1 = Math.max(pts[pts.length - 1].hostMs, x0 + 1000);
  const lo = Math.min(...off), hi = Math.max(...off, lo + 1), X = (ms) => 30 + (W - 40) * (ms - x0) / (x1 - x0), Y = (o) => H - 20 - (H - 30) * (o - lo) / (hi - lo);
  const ns = 'http://www.w3.org/2000/svg', el = (t, a) => { const e = document.createElementNS(ns, t); for (const k in a) e.setAttribute(k, a[k]); svg.appendChild(e); return e; };
  for (const w of S.windows) el('rect', { x: X(w.fromMs), y: 5, width: Math.max(1, X(Math.min(w.toMs, x1)) - X(w.fromMs)), height: H - 25, fill: '#e5f0fb', class: 'window' });
  for (const s of S.syncs) el('line', { x1: X(s), x2: X(s), y1: 5, y2: H - 20, stroke: '#d9a400', 'stroke-dasharray': '3 2', class: 'sync' });
  pts.forEach((p, i) => el('circle', { cx: X(p.hostMs), cy: Y(off[i]), r: 2.5, fill: '#1f5fa8', class: 'point' }));
  el('text', { x: 30, y: H - 4, 'font-size': 11 }).textContent = 'host time → (' + secs(x1 - x0) + '); device − host clock, s: ' + lo.toFixed(1) + ' … ' + hi.toFixed(1);
}
function plotFit() {
  const svg = $('fit-plot'), W = 420, H = 100, f = fitOf(S.fit);
  svg.replaceChildren(); svg.style.display = f ? '' : 'none'; if (!f) return;
  const g = fitGeometry(f, W, H), ns = 'http://www.w3.org/2000/svg', el = (t, a) => { const e = document.createElementNS(ns, t); for (const k in a) e.setAttribute(k, a[k]); svg.appendChild(e); return e; };
  for (const y of g.limits) el('line', { x1: 30, x2: W - 10, y1: y, y2: y, stroke: '#b00020', 'stroke-dasharray': '4 3', class: 'fit-limit' });
  el('polygon', { points: g.band, fill: '#1f5fa8', 'fill-opacity': 0.2, class: 'fit-band' });
  el('line', { x1: g.line[0], y1: g.line[1], x2: g.line[2], y2: g.line[3], stroke: '#1f5fa8', 'stroke-width': 2, class: 'fit-line' });
  el('text', { x: 4, y: 12, 'font-size': 10 }).textContent = 'LAB-05 fit, device gain over ' + f.intervalS.toFixed(1) + ' s: ' + (f.ppm >= 0 ? '+' : '') + f.ppm.toFixed(1) + ' ± ' + f.uncertaintyPpm.toFixed(1) + ' ppm (limit ±' + f.maxPpm + ' ppm dashed)';
  el('text', { x: 2, y: g.line[1] + 4, 'font-size': 9 }).textContent = '0 ms';
  el('text', { x: W - 70, y: H - 3, 'font-size': 9 }).textContent = 'scale ±' + g.spanMs.toFixed(2) + ' ms';
}
function draw() {
  const now = Date.now();
  text($('run'), S.target ? 'target ' + S.target + ' · test ' + S.ordinal + ' of ' + S.total + ' · ' + secs((S.ended ? S.ended.atMs : now) - S.startedAtMs) + (S.ended ? ' · ended: ' + S.ended.status : '') + (S.operator ? ' · operator present' : '') : 'waiting for the run…');
  const t = S.test;
  text($('current-test'), t ? t.title : '—'); text($('current-checks'), t ? t.checks.join(' ') : '');
  text($('current-elapsed'), t ? secs((t.endedAtMs || now) - t.atMs) + (t.status ? ' · ' + t.status : ' · running') : '');
  text($('steps'), S.steps.join(' › '));
  $('waits').replaceChildren(...[...S.waits.values()].map((w) => { const li = mk('li', w.what + ': '); li.appendChild(mk('span', secs(Math.max(0, w.untilMs - now)) + ' left', 'countdown')); return li; }));
  $('prompts').replaceChildren(...[...S.prompts.values()].map((p) => { const d = mk('div', undefined, 'prompt'); d.appendChild(mk('p', p.instruction));
    const b = mk('button', 'done'); b.dataset.prompt = p.promptId; b.onclick = () => fetch('answer/' + encodeURIComponent(p.promptId), { method: 'POST', body: '{"answer":"done"}' });
    d.appendChild(b); d.appendChild(mk('span', ' ' + secs(Math.max(0, p.untilMs - now)) + ' left', 'countdown')); return d; }));
  const c = { pass: 0, fail: 0, skip: 0, 'not-run': 0 }; for (const s of Object.values(S.statuses)) c[s]++;
  for (const k of Object.keys(c)) text($('count-' + k), String(c[k]));
  text($('tests'), 'tests: ' + S.tests.pass + ' passed, ' + S.tests.fail + ' failed, ' + S.tests.skip + ' skipped');
  $('checks').replaceChildren(...Object.entries(S.statuses).map(([id, s]) => { const tr = mk('tr'); tr.dataset.check = id; tr.dataset.status = s; tr.appendChild(mk('td', id)); tr.appendChild(mk('td', s, s)); return tr; }));
  const L = S.link; text($('link'), 'frames tx ' + L.tx + ' / rx ' + L.rx + ' · retransmits ' + L.retransmits + ' · bad CRC ' + L.badCrc + ' · raw ' + L.raw + ' · events ' + L.events + ' · event acks ' + L.acks);
  text($('frames'), S.frames.join('\\n'));
  text($('fit'), S.fit || (S.windows.length ? 'LAB-05 window shaded: no sync inside it' : ''));
  text($('gateway'), 'commands ' + S.gw.cmd + ' · acks ' + S.gw.ack + ' · events ' + S.gw.event + '\\nretained status: ' + (S.gw.status || '—') + '\\nconnection:\\n' + (S.gw.connection.map((c) => '  ' + c).join('\\n') || '  —')
    + '\\nlast commands:\\n' + ([...S.gw.cmds.values()].map((c) => '  ' + c.op + ' lock ' + c.lock + ' → ' + (c.acks.length ? c.acks.map((a) => 'ack ' + a.result + ' after ' + Math.round(a.afterMs) + ' ms').join(', ') : 'no ack yet')
      + (c.events.length ? ' · events: ' + c.events.join(', ') : '')).join('\\n') || '  —') + (S.gw.loose ? '\\nevents of no command (keypad, …): ' + S.gw.loose : ''));
  text($('world'), S.world === null ? '—' : new Date(S.world * 1000).toISOString());
  $('locks').replaceChildren(...[...S.locks.entries()].map(([id, l]) => { const tr = mk('tr'); tr.dataset.lock = String(id); tr.appendChild(mk('td', 'lock ' + id));
    tr.appendChild(mk('td', new Date(l.lockS * 1000).toISOString().slice(0, 19) + 'Z')); tr.appendChild(mk('td', typeof l.worldS === 'number' ? 'lock − world ' + (l.lockS - l.worldS).toFixed(1) + ' s' : 'lock − host ' + (l.lockS - l.hostMs / 1000).toFixed(1) + ' s')); return tr; }));
  $('device-lab').hidden = S.target !== 'lab'; $('device-gateway').hidden = S.target !== 'gateway' && S.gw.cmd + S.gw.connection.length === 0;
  plot(); plotFit();
}
let queued = false;
const redraw = () => { if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; draw(); }); } };
const es = new EventSource('events');
es.onmessage = (m) => { fold(JSON.parse(m.data)); redraw(); };
es.onerror = () => { if (S.ended) es.close(); };
setInterval(draw, 250);
`;

export function stationPage(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>lockbench station</title><style>${STYLE}</style></head><body>
<h1>lockbench station <small id="run">waiting for the run…</small></h1>
<section id="now"><h2>Now</h2><div><b id="current-test">—</b></div><div id="current-checks"></div><div id="current-elapsed"></div><div id="steps"></div>
<h2>Waiting for</h2><ul id="waits"></ul><div id="prompts"></div></section>
<section id="counts"><h2>Checks so far</h2><p>pass <b id="count-pass" class="pass">0</b> · fail <b id="count-fail" class="fail">0</b> · skip <b id="count-skip" class="skip">0</b> · not run <b id="count-not-run">0</b></p>
<p id="tests"></p><div style="max-height:180px;overflow:auto"><table><tbody id="checks"></tbody></table></div></section>
<section id="device-lab" hidden><h2>Device (lab)</h2><svg id="clock-plot" width="420" height="160" data-points="0"></svg><svg id="fit-plot" width="420" height="100" style="display:none"></svg><p id="fit"></p><p id="link"></p><div id="frames"></div></section>
<section id="device-gateway" hidden><h2>Device (gateway)</h2><pre id="gateway"></pre></section>
<section id="device-world"><h2>World time and the locks' clocks</h2><p id="world">—</p><table><tbody id="locks"></tbody></table></section>
<section id="timeline"><h2>Wire timeline of the current test</h2><iframe id="timeline-frame" sandbox title="wire timeline"></iframe></section>
<script>${SCRIPT}</script></body></html>`;
}
