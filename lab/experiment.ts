import { chooseBackend, ChosenBackend } from './backends/registry';
import { expandRuns, SweepParams } from './config';
import { meanStd } from './downstream';
import type { LabConfig } from './schema';
import { HistoryPoint, RunHooks, runPretraining, RunResult } from './train';

export interface Stat {
  mean: number;
  std: number;
}

export interface AggregatePoint {
  params: SweepParams;
  seeds: number;
  energy: Stat;
  sinTheta: Stat;
  contrastive: Stat;
  trainAccuracy: Stat;
  downstream: Array<{ n: number } & Stat>;
}

export interface ExperimentResult {
  backend: ChosenBackend['report'];
  config: LabConfig;
  runs: RunResult[];
  aggregate: AggregatePoint[];
  status: 'completed' | 'cancelled' | 'diverged';
}

export interface ExperimentProgress {
  run: number;
  runs: number;
  round: number;
  rounds: number;
  params: SweepParams;
  seed: number;
}

export interface ExperimentHooks {
  signal?: AbortSignal;
  onProgress?(p: ExperimentProgress): void;
  onMeasure?(run: number, point: HistoryPoint): void;
  onRunDone?(run: number, result: RunResult): void;
  /** Lets a caller (the session store) wrap each run with its own hooks, e.g. checkpoints. */
  runHooks?(run: number, params: SweepParams, config: LabConfig): Partial<RunHooks>;
  /** A run already finished earlier (a resumed session): its result is reused instead of recomputed. */
  existing?(run: number): RunResult | null;
  chosen?: ChosenBackend;
}

function stat(values: number[]): Stat {
  return meanStd(values.filter((v) => Number.isFinite(v)));
}

export function aggregateRuns(runs: RunResult[]): AggregatePoint[] {
  const groups = new Map<string, RunResult[]>();
  for (const run of runs) {
    const key = JSON.stringify(run.params);
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((group) => {
    const sizes = group[0].downstream.map((p) => p.n);
    return {
      params: group[0].params,
      seeds: group.length,
      energy: stat(group.map((r) => r.subspace.energy)),
      sinTheta: stat(group.map((r) => r.subspace.sinTheta)),
      contrastive: stat(group.map((r) => r.contrastive)),
      trainAccuracy: stat(group.map((r) => r.train.accuracy)),
      downstream: sizes.map((n, i) => ({ n, ...stat(group.map((r) => r.downstream[i]?.accuracy ?? NaN)) })),
    };
  });
}

/** Runs every (swept value, seed) of a validated config on one backend, in order. */
export async function runExperiment(config: LabConfig, hooks: ExperimentHooks = {}): Promise<ExperimentResult> {
  const chosen = hooks.chosen ?? (await chooseBackend(config.backend, config.threads));
  const plan = expandRuns(config);
  const runs: RunResult[] = [];
  let status: ExperimentResult['status'] = 'completed';
  for (let i = 0; i < plan.length; i++) {
    if (hooks.signal?.aborted) {
      status = 'cancelled';
      break;
    }
    const { params, seed, config: runConfig } = plan[i];
    const done = hooks.existing?.(i);
    if (done) {
      runs.push(done);
      if (done.status === 'diverged') status = 'diverged';
      continue;
    }
    const extra = hooks.runHooks?.(i, params, runConfig) ?? {};
    const result = await runPretraining(
      runConfig,
      chosen.backend,
      {
        signal: hooks.signal,
        ...extra,
        onRound: (round, rounds) => {
          hooks.onProgress?.({ run: i, runs: plan.length, round, rounds, params, seed });
          extra.onRound?.(round, rounds);
        },
        onMeasure: (point) => {
          hooks.onMeasure?.(i, point);
          extra.onMeasure?.(point);
        },
      },
      params,
    );
    runs.push(result);
    hooks.onRunDone?.(i, result);
    if (result.status === 'cancelled') {
      status = 'cancelled';
      break;
    }
    if (result.status === 'diverged') status = 'diverged';
  }
  return { backend: chosen.report, config, runs, aggregate: aggregateRuns(runs), status };
}
