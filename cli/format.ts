import type { ExperimentResult } from '../lab/experiment';

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export const fixed = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

function paramsLabel(params: Record<string, unknown>): string {
  const entries = Object.entries(params);
  return entries.length ? entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ') : '(config)';
}

/** The human summary of `mtrl run`: one row per run, then the sweep aggregate. */
export function summarize(result: ExperimentResult): string {
  const sizes = result.runs[0]?.downstream.map((p) => p.n) ?? [];
  const rows = result.runs.map((r) => [
    paramsLabel(r.params),
    String(r.seed),
    r.status,
    fixed(r.subspace.sinTheta),
    fixed(r.subspace.energy),
    fixed(r.train.accuracy),
    fixed(r.contrastive),
    ...r.downstream.map((p) => `${fixed(p.accuracy)}±${fixed(p.std, 3)}`),
    `${r.seconds.toFixed(1)}s`,
  ]);
  const header = ['params', 'seed', 'status', 'sinTheta', 'energy', 'train acc', 'contrastive', ...sizes.map((n) => `down n=${n}`), 'time'];
  const parts = [`backend: ${result.backend.name} (${result.backend.chosenBecause})`, table(header, rows)];
  if (result.aggregate.length && result.runs.length > result.aggregate.length) {
    parts.push(
      'mean ± std over seeds:',
      table(
        ['params', 'seeds', 'sinTheta', 'energy', ...sizes.map((n) => `down n=${n}`)],
        result.aggregate.map((a) => [
          paramsLabel(a.params),
          String(a.seeds),
          `${fixed(a.sinTheta.mean)}±${fixed(a.sinTheta.std)}`,
          `${fixed(a.energy.mean)}±${fixed(a.energy.std)}`,
          ...a.downstream.map((p) => `${fixed(p.mean)}±${fixed(p.std)}`),
        ]),
      ),
    );
  }
  return parts.join('\n\n');
}
