import { lineChart, type ChartSpec } from '../../lab/report/chart';

export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Rasterises an SVG string at 2× through an <img> and a canvas. */
export async function svgToPngBlob(svg: string): Promise<Blob> {
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    await new Promise((resolve, reject) => {
      img.onload = resolve;
      img.onerror = () => reject(new Error('the chart could not be rasterised'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = img.width * 2;
    canvas.height = img.height * 2;
    const ctx = canvas.getContext('2d')!;
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0);
    return await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function chartSvg(spec: ChartSpec): string {
  return lineChart(spec);
}

export function chartCsv(spec: ChartSpec): string {
  const xs = [...new Set(spec.series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const header = ['x', ...spec.series.flatMap((s) => (s.std ? [s.label, `${s.label} std`] : [s.label]))];
  const rows = xs.map((x) => [
    x,
    ...spec.series.flatMap((s) => {
      const i = s.x.indexOf(x);
      return s.std ? [i >= 0 ? s.mean[i] : '', i >= 0 ? s.std[i] : ''] : [i >= 0 ? s.mean[i] : ''];
    }),
  ]);
  const cell = (v: unknown) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'chart';
