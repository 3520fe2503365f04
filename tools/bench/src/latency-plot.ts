/**
 * The fan-out plot of `docs/benchmarks.md`: p99 latency against delivered updates/s, one line per peer, both
 * axes logarithmic, with the 50 ms limit drawn across. Plain SVG text (no dependency), deterministic for a
 * given input so the file only changes when the figures do.
 */

export interface CurvePoint {
  readonly deliveredPerSec: number;
  readonly p99Ms: number;
}

const WIDTH = 760;
const HEIGHT = 420;
const MARGIN = { left: 70, right: 230, top: 20, bottom: 50 } as const;
/** Distinguishable on white, the first one (the reference) darkest. */
const COLORS = ['#1b5e20', '#43a047', '#81c784', '#1565c0', '#e65100', '#6a1b9a', '#757575'];

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Powers of ten from below `min` to above `max` (at least two). */
function decades(min: number, max: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) out.push(10 ** e);
  if (out.length < 2) out.push(out[0]! * 10);
  return out;
}

function tickLabel(value: number, unit: string): string {
  if (value >= 1e6) return `${value / 1e6}M${unit}`;
  if (value >= 1e3) return `${value / 1e3}k${unit}`;
  return `${value}${unit}`;
}

/** `curves` in legend order (the reference first); points with a non-positive or non-finite value are left out. */
export function renderLatencyPlot(curves: readonly { readonly label: string; readonly points: readonly CurvePoint[] }[], limitMs: number, title: string): string {
  const usable = curves.map((c) => ({ label: c.label, points: c.points.filter((p) => Number.isFinite(p.deliveredPerSec) && Number.isFinite(p.p99Ms) && p.deliveredPerSec > 0 && p.p99Ms > 0) }));
  const all = usable.flatMap((c) => c.points);
  const xs = decades(Math.min(...all.map((p) => p.deliveredPerSec), 1e4), Math.max(...all.map((p) => p.deliveredPerSec), 1e5));
  const ys = decades(Math.min(...all.map((p) => p.p99Ms), 1), Math.max(...all.map((p) => p.p99Ms), limitMs * 2));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const lx0 = Math.log10(xs[0]!);
  const lx1 = Math.log10(xs.at(-1)!);
  const ly0 = Math.log10(ys[0]!);
  const ly1 = Math.log10(ys.at(-1)!);
  const x = (v: number): number => Math.round((MARGIN.left + ((Math.log10(v) - lx0) / (lx1 - lx0)) * plotW) * 10) / 10;
  const y = (v: number): number => Math.round((MARGIN.top + plotH - ((Math.log10(v) - ly0) / (ly1 - ly0)) * plotH) * 10) / 10;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
  ];
  for (const v of xs) out.push(`<line x1="${x(v)}" y1="${MARGIN.top}" x2="${x(v)}" y2="${MARGIN.top + plotH}" stroke="#e0e0e0"/>`, `<text x="${x(v)}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${tickLabel(v, '')}</text>`);
  for (const v of ys) out.push(`<line x1="${MARGIN.left}" y1="${y(v)}" x2="${MARGIN.left + plotW}" y2="${y(v)}" stroke="#e0e0e0"/>`, `<text x="${MARGIN.left - 6}" y="${y(v) + 4}" text-anchor="end">${tickLabel(v, ' ms')}</text>`);
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#9e9e9e"/>`,
    `<line x1="${MARGIN.left}" y1="${y(limitMs)}" x2="${MARGIN.left + plotW}" y2="${y(limitMs)}" stroke="#c62828" stroke-dasharray="6 4"/>`,
    `<text x="${MARGIN.left + plotW - 4}" y="${y(limitMs) - 5}" text-anchor="end" fill="#c62828">p99 ${limitMs} ms</text>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle">delivered updates/s (log)</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">p99 latency (log)</text>`,
  );
  usable.forEach((curve, i) => {
    const color = COLORS[i % COLORS.length]!;
    const points = [...curve.points].sort((a, b) => a.deliveredPerSec - b.deliveredPerSec);
    if (points.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map((p) => `${x(p.deliveredPerSec)},${y(p.p99Ms)}`).join(' ')}"/>`);
    for (const p of points) out.push(`<circle cx="${x(p.deliveredPerSec)}" cy="${y(p.p99Ms)}" r="3" fill="${color}"/>`);
    const ly = MARGIN.top + 14 + i * 18;
    out.push(`<line x1="${WIDTH - MARGIN.right + 14}" y1="${ly - 4}" x2="${WIDTH - MARGIN.right + 34}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`, `<text x="${WIDTH - MARGIN.right + 40}" y="${ly}">${escapeXml(curve.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
