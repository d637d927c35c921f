import type { ChosenBackend } from '../backends/registry';
import { expandRuns, resolveConfig } from '../config';
import type { ExperimentResult } from '../experiment';
import type { LabConfig } from '../schema';
import { recordExperiment } from '../sessions/record';
import type { SessionStore } from '../sessions/store';
import type { ChartSpec } from '../report/chart';
import { Claim, CLAIMS } from './claims';

export interface ClaimReport {
  id: number;
  title: string;
  statement: string;
  criterion: string;
  asserted: boolean;
  supported: boolean;
  explanation: string;
  numbers: Record<string, unknown>;
  sessions: string[];
  settings: Record<string, { label: string; config: LabConfig }>;
  figures: ChartSpec[];
  seconds: number;
}

export interface SuiteReport {
  quick: boolean;
  started: string;
  seconds: number;
  backend: ChosenBackend['report'];
  status: 'completed' | 'cancelled';
  claims: ClaimReport[];
}

export interface SuiteOptions {
  quick: boolean;
  claims?: number[];
  store: SessionStore;
  chosen: ChosenBackend;
  signal?: AbortSignal;
  onProgress?(fraction: number, label: string): void;
  onClaim?(report: ClaimReport): void;
}

export function selectClaims(ids?: number[]): Claim[] {
  if (!ids || ids.length === 0) return CLAIMS;
  const unknown = ids.filter((id) => !CLAIMS.some((c) => c.id === id));
  if (unknown.length) throw new RangeError(`--claims: no claim ${unknown.join(', ')} (claims are ${CLAIMS.map((c) => c.id).join(', ')})`);
  return CLAIMS.filter((c) => ids.includes(c.id));
}

/** Work of a run in multiply-adds, so that one progress bar moves evenly across very different runs. */
function cost(c: LabConfig): number {
  const perRound = c.pretrain.T * c.pretrain.n * c.data.d * c.model.m;
  const downstream = c.downstream.tasks * (c.downstream.nTest + Math.max(0, ...c.downstream.n)) * c.data.d * c.model.m * 4;
  return c.pretrain.rounds * perRound + downstream;
}

/** Runs each claim's experiments as recorded sessions, then judges the claim by its stated criterion. */
export async function runSuite(opts: SuiteOptions): Promise<SuiteReport> {
  const started = Date.now();
  const claims = selectClaims(opts.claims);
  const plan = claims.map((claim) => ({
    claim,
    experiments: claim.experiments(opts.quick).map((e) => ({ ...e, resolved: resolveConfig({ ...e.config, backend: opts.chosen.report.name }) })),
  }));
  const total = plan.reduce((s, p) => s + p.experiments.reduce((t, e) => t + expandRuns(e.resolved).reduce((u, r) => u + cost(r.config), 0), 0), 0);
  let done = 0;
  const reports: ClaimReport[] = [];
  let status: SuiteReport['status'] = 'completed';
  for (const { claim, experiments } of plan) {
    const claimStarted = Date.now();
    const results: Record<string, ExperimentResult> = {};
    const sessions: string[] = [];
    for (const e of experiments) {
      const runs = expandRuns(e.resolved);
      const { result, session } = await recordExperiment(opts.store, e.config, e.resolved, {
        name: `claim ${claim.id}: ${e.label}`,
        tags: ['reproduce', `claim-${claim.id}`, opts.quick ? 'quick' : 'full'],
        chosen: opts.chosen,
        signal: opts.signal,
        hooks: {
          onProgress: (p) => {
            const run = runs[p.run].config;
            const before = runs.slice(0, p.run).reduce((s, r) => s + cost(r.config), 0);
            opts.onProgress?.((done + before + (cost(run) * p.round) / Math.max(1, run.pretrain.rounds)) / total, `claim ${claim.id}: ${e.label} (run ${p.run + 1}/${p.runs})`);
          },
        },
      });
      done += runs.reduce((s, r) => s + cost(r.config), 0);
      results[e.key] = result;
      sessions.push(session.id);
      if (result.status === 'cancelled') status = 'cancelled';
      if (status === 'cancelled') break;
    }
    if (status === 'cancelled') break;
    const outcome = claim.evaluate(results);
    const report: ClaimReport = {
      id: claim.id,
      title: claim.title,
      statement: claim.statement,
      criterion: claim.criterion,
      asserted: claim.asserted,
      supported: outcome.supported,
      explanation: outcome.explanation,
      numbers: outcome.numbers,
      sessions,
      settings: Object.fromEntries(experiments.map((e) => [e.key, { label: e.label, config: e.resolved }])),
      figures: outcome.figures,
      seconds: (Date.now() - claimStarted) / 1000,
    };
    reports.push(report);
    opts.onClaim?.(report);
  }
  return { quick: opts.quick, started: new Date(started).toISOString(), seconds: (Date.now() - started) / 1000, backend: opts.chosen.report, status, claims: reports };
}
