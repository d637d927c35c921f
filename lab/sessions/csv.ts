import type { SessionStore } from './store';

function cell(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The metrics history, one row per measurement, with each run's swept values and seed as columns. */
export function metricsCsv(store: SessionStore, id: string): string {
  const manifest = store.read(id);
  const metrics = store.readMetrics(id);
  const paramKeys = [...new Set(manifest.runs.flatMap((r) => Object.keys(r.params)))];
  const header = ['run', ...paramKeys, 'seed', 'round', 'energy', 'sinTheta', 'loss', 'accuracy', 'contrastive'];
  const rows = metrics.map((p) => {
    const run = manifest.runs[p.run];
    return [p.run, ...paramKeys.map((k) => run?.params[k] ?? ''), run?.seed ?? '', p.round, p.energy, p.sinTheta, p.loss, p.accuracy, p.contrastive];
  });
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}
