/**
 * A failing test's wire log as a sequence diagram (DESIGN §14): one self-contained HTML page with
 * inline SVG — a lifeline per participant, one arrow per log entry in log order, real and world
 * time on the left, the payload under the arrow (cut to fit) and whole on hover (`<title>`) and in
 * the list below. Every message has a band of its own height, so nothing overlaps at any length;
 * long logs make a long page that scrolls, with the participant names kept on top.
 */
import type { WireEntry, WireHeader } from '../client/wire-log.ts';
import { payloadText, sequenceOf, type Message, type Participant } from './sequence-model.ts';

/** Layout in CSS pixels; the character widths are those of the monospace font at the sizes used. */
const L = { timeW: 200, colW: 170, headH: 8, rowH: 46, pad: 24, labelCharW: 7.3, payloadCharW: 6.1 } as const;

/** World time as ISO UTC (the wire log's own text rendering uses the same form). */
const worldTimeText = (unix: number): string => (Number.isFinite(unix) && Math.abs(unix) < 8.64e12 ? new Date(unix * 1000).toISOString() : String(unix));

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Cut `s` to `max` monospace cells (wide CJK characters take two), marking the cut. */
function fit(s: string, max: number): string {
  const n = Math.max(1, Math.floor(max));
  let cells = 0;
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    cells += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(chars[i]!) ? 2 : 1;
    if (cells > n - 1 && i < chars.length - 1) return `${chars.slice(0, i).join('')}…`;
  }
  return s;
}

const KIND_COLOUR: Record<WireEntry['kind'], string> = { http: '#1f5fa8', control: '#777', mqtt: '#2b7a3d', serial: '#8a4b08', push: '#8b1f8b' };

export interface SequencePage {
  title: string;
  header: WireHeader;
  /** Epoch ms of the log's start (entries' `ms` are relative to it). */
  startedAt: number;
  entries: readonly WireEntry[];
  dropped?: number;
  /** The test's error, first lines. */
  error?: string;
}

function row(m: Message, x: Map<Participant, number>, width: number): string {
  const y = L.headH + m.index * L.rowH;
  const x1 = x.get(m.from)!;
  const x2 = x.get(m.to)!;
  const left = Math.min(x1, x2);
  const colour = KIND_COLOUR[m.entry.kind];
  const room = width - L.pad - (left + 6);
  const payload = payloadText(m.entry);
  const time = `+${m.entry.ms.toFixed(1)} ms`;
  const world = m.entry.world === undefined ? '' : `W ${worldTimeText(m.entry.world)}`;
  const dir = x2 >= x1 ? 1 : -1;
  const vias = m.via.map((p) => `<circle cx="${x.get(p)}" cy="${y + 22}" r="3" fill="${colour}"/>`).join('');
  const title = `${m.index + 1}. ${m.entry.kind} ${m.entry.summary}${world ? `\n${world}` : ''}\n${time}${payload ? `\n\n${payload}` : ''}`;
  return `<g class="msg" data-index="${m.index}" data-kind="${m.entry.kind}" data-from="${esc(m.from)}" data-to="${esc(m.to)}">
<title>${esc(title)}</title>
<rect class="band" x="0" y="${y}" width="${width}" height="${L.rowH}" fill="${m.index % 2 ? '#fafafa' : '#fff'}"/>
<a href="#m${m.index}"><text class="time" x="8" y="${y + 18}">${m.index + 1}. ${esc(time)}</text></a>
<text class="time world" x="8" y="${y + 34}">${esc(world)}</text>
<text class="label" x="${left + 6}" y="${y + 16}" fill="${colour}">${esc(fit(m.label, room / L.labelCharW))}</text>
<line class="arrow" x1="${x1 + dir * 2}" y1="${y + 22}" x2="${x2 - dir * 2}" y2="${y + 22}" stroke="${colour}" stroke-width="1.6"${m.exchange ? ` marker-start="url(#head-${m.entry.kind})"` : ''} marker-end="url(#head-${m.entry.kind})"/>${vias}
<text class="payload" x="${left + 6}" y="${y + 37}">${esc(fit(payload, room / L.payloadCharW))}</text>
</g>`;
}

function markers(): string {
  return Object.entries(KIND_COLOUR)
    .map(([k, c]) => `<marker id="head-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${c}"/></marker>`)
    .join('');
}

/** The whole page. */
export function sequenceHtml(page: SequencePage): string {
  const { participants, messages } = sequenceOf(page.entries);
  const x = new Map(participants.map((p, i) => [p, L.timeW + L.colW / 2 + i * L.colW] as const));
  const width = L.timeW + participants.length * L.colW + L.pad;
  const height = L.headH + messages.length * L.rowH + 12;
  // Participant names live in the sticky strip above, so they stay in view while a long log scrolls.
  const names = (h: number) => participants.map((p) => `<text class="who" x="${x.get(p)}" y="${h}" text-anchor="middle">${esc(p)}</text>`).join('');
  const lifelines = participants.map((p) => `<line class="lifeline" data-participant="${esc(p)}" x1="${x.get(p)}" y1="${L.headH - 6}" x2="${x.get(p)}" y2="${height}" stroke="#bbb" stroke-dasharray="4 3"/>`).join('');
  const h = page.header;
  const list = messages
    .map((m) => `<li id="m${m.index}"><b>${esc(m.entry.kind)}</b> ${esc(m.entry.summary)} <small>+${m.entry.ms.toFixed(1)} ms${m.entry.world === undefined ? '' : ` · W ${esc(worldTimeText(m.entry.world))}`}</small>${m.entry.detail === undefined ? '' : `<pre>${esc(JSON.stringify(m.entry.detail, null, 1))}</pre>`}</li>`)
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(page.title)} — wire sequence</title><style>
body{font:14px system-ui,sans-serif;margin:16px;color:#222}
.sticky{position:sticky;top:0;background:#fff;border-bottom:1px solid #ccc;z-index:1}
svg text{font-family:"DejaVu Sans Mono",monospace}
text.who{font-size:13px;font-weight:bold;fill:#222}text.time{font-size:11px;fill:#555}text.label{font-size:12px}
text.payload{font-size:10px;fill:#444}.msg:hover rect.band{fill:#eef4ff}pre{white-space:pre-wrap;word-break:break-all;margin:2px 0 8px}
#messages li{margin-bottom:4px}.meta span{margin-right:18px}
</style></head><body>
<h1>${esc(page.title)}</h1>
<p class="meta"><span>seed <b id="seed">${h.seed ?? '(none)'}</b>${h.seed !== undefined ? ` — replay with <code>LOCKBENCH_SEED=${h.seed}</code>` : ''}</span>${h.target ? `<span>target ${esc(h.target)}</span>` : ''}<span>real time from ${esc(new Date(page.startedAt).toISOString())}</span><span id="count">${messages.length} messages</span>${page.dropped ? `<span>${page.dropped} oldest dropped</span>` : ''}</p>
${page.error ? `<pre id="error">${esc(page.error)}</pre>` : ''}
<div class="sticky"><svg id="names" width="${width}" height="24" xmlns="http://www.w3.org/2000/svg"><text class="time" x="8" y="16">real · world time</text>${names(17)}</svg></div>
<svg id="sequence" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="sequence diagram of ${messages.length} messages">
<defs>${markers()}</defs>${lifelines}
${messages.map((m) => row(m, x, width)).join('\n')}
</svg>
<h2>Messages</h2>
<ol id="messages" start="1">${list}</ol>
</body></html>`;
}
