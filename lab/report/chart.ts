/** Static SVG line charts with mean ± std bands, for reports that must open with no network and no script. */

export interface Series {
  label: string;
  x: number[];
  mean: number[];
  std?: number[];
  dashed?: boolean;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  logX?: boolean;
  yMin?: number;
  yMax?: number;
  width?: number;
  height?: number;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function niceTicks(lo: number, hi: number, count = 5, integer = false): number[] {
  if (!(hi > lo)) return [lo];
  const raw = Math.max((hi - lo) / count, integer ? 1 : 0);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  const base = hi / lo > 1e3 ? 10 : 2;
  for (let v = base ** Math.floor(Math.log(lo) / Math.log(base)); v <= hi * 1.0001; v *= base) if (v >= lo * 0.9999) out.push(v);
  return out;
}

const fmt = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(0) : String(Number(v.toPrecision(3))));

export function lineChart(spec: ChartSpec): string {
  const W = spec.width ?? 560;
  const H = spec.height ?? 360;
  const pad = { left: 64, right: 16, top: 36, bottom: 84 };
  const xs = spec.series.flatMap((s) => s.x).filter(Number.isFinite);
  const ys = spec.series.flatMap((s) => s.mean.flatMap((m, i) => [m - (s.std?.[i] ?? 0), m + (s.std?.[i] ?? 0)])).filter(Number.isFinite);
  const xLo = Math.min(...xs);
  const xHi = Math.max(...xs);
  const yLo = spec.yMin ?? Math.min(...ys);
  const yHi = spec.yMax ?? Math.max(...ys);
  const tx = (x: number) => {
    const f = spec.logX ? Math.log(x / xLo) / Math.log(xHi / xLo || 2) : (x - xLo) / (xHi - xLo || 1);
    return pad.left + f * (W - pad.left - pad.right);
  };
  const ty = (y: number) => H - pad.bottom - ((y - yLo) / (yHi - yLo || 1)) * (H - pad.top - pad.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12" role="img" aria-label="${esc(spec.title)}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(spec.title)}</text>`,
  ];
  const yTicks = niceTicks(yLo, yHi);
  for (const v of yTicks) {
    const y = ty(v);
    parts.push(`<line x1="${pad.left}" x2="${W - pad.right}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`, `<text x="${pad.left - 6}" y="${y + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  const xTicks = spec.logX ? logTicks(xLo, xHi) : niceTicks(xLo, xHi, 5, xs.every(Number.isInteger));
  for (const v of xTicks) {
    const x = tx(v);
    parts.push(`<line x1="${x}" x2="${x}" y1="${H - pad.bottom}" y2="${H - pad.bottom + 5}" stroke="#333"/>`, `<text x="${x}" y="${H - pad.bottom + 18}" text-anchor="middle">${fmt(v)}</text>`);
  }
  parts.push(
    `<line x1="${pad.left}" x2="${W - pad.right}" y1="${H - pad.bottom}" y2="${H - pad.bottom}" stroke="#333"/>`,
    `<line x1="${pad.left}" x2="${pad.left}" y1="${pad.top}" y2="${H - pad.bottom}" stroke="#333"/>`,
    `<text x="${(pad.left + W - pad.right) / 2}" y="${H - pad.bottom + 36}" text-anchor="middle">${esc(spec.xLabel)}${spec.logX ? ' (log scale)' : ''}</text>`,
    `<text transform="translate(16 ${(pad.top + H - pad.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`,
  );
  spec.series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const pts = s.x.map((x, i) => [x, s.mean[i], s.std?.[i] ?? 0]).filter(([x, m]) => Number.isFinite(x) && Number.isFinite(m));
    if (pts.length === 0) return;
    if (s.std) {
      const upper = pts.map(([x, m, sd]) => `${tx(x).toFixed(2)},${ty(Math.min(yHi, m + sd)).toFixed(2)}`);
      const lower = pts.map(([x, m, sd]) => `${tx(x).toFixed(2)},${ty(Math.max(yLo, m - sd)).toFixed(2)}`).reverse();
      parts.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${color}" fill-opacity="0.18" stroke="none"/>`);
    }
    parts.push(
      `<polyline points="${pts.map(([x, m]) => `${tx(x).toFixed(2)},${ty(m).toFixed(2)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      ...pts.map(([x, m]) => `<circle cx="${tx(x).toFixed(2)}" cy="${ty(m).toFixed(2)}" r="3" fill="${color}"/>`),
    );
    const lx = pad.left + (k % 3) * 160;
    const ly = H - 22 + Math.floor(k / 3) * 16 - (spec.series.length > 3 ? 8 : 0);
    parts.push(`<line x1="${lx}" x2="${lx + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`, `<text x="${lx + 28}" y="${ly}">${esc(s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** PNG of an SVG through resvg (a Rust renderer shipped inside its npm package); null where it cannot load. */
export function svgToPng(svg: string): Buffer | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
    return Buffer.from(new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, fitTo: { mode: 'zoom', value: 2 } }).render().asPng());
  } catch {
    return null;
  }
}
