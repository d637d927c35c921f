import type { Backend, Parameters, RoundSpec, Trainer } from './backends/types';
import { DownstreamPoint, evaluateDownstream } from './downstream';
import type { Matrix } from './linalg';
import { contrastiveAlignment, SubspaceMetrics, subspaceMetrics } from './metrics';
import { Rng, RngState } from './rng';
import type { LabConfig } from './schema';
import { drawSubspace, drawTask, labelOf, project, sampleInputs, sampleTasks, Task } from './tasks';

export interface HistoryPoint {
  round: number;
  energy: number;
  sinTheta: number;
  loss: number;
  accuracy: number;
  contrastive: number;
}

export type RunStatus = 'completed' | 'cancelled' | 'diverged';

export interface RunResult {
  params: Record<string, unknown>;
  seed: number;
  status: RunStatus;
  error?: string;
  subspace: SubspaceMetrics;
  train: { loss: number; accuracy: number };
  contrastive: number;
  downstream: DownstreamPoint[];
  history: HistoryPoint[];
  rounds: number;
  seconds: number;
}

/** Everything needed to continue a run exactly: parameters, where the data stream stands, what was measured. */
export interface Checkpoint {
  round: number;
  parameters: Parameters;
  dataRng: RngState;
  history: HistoryPoint[];
}

export interface RunHooks {
  signal?: AbortSignal;
  onRound?(round: number, rounds: number): void;
  onMeasure?(point: HistoryPoint): void;
  onCheckpoint?(checkpoint: Checkpoint): Promise<void> | void;
  /** The trained parameters and the run's fixed draws, before downstream evaluation. */
  onFinish?(final: Parameters, setup: RunSetup): Promise<void> | void;
  resumeFrom?: Checkpoint;
}

/** The fixed draws of a run: ground truth, tasks and initial parameters, all from the seed. */
export interface RunSetup {
  M: Matrix;
  tasks: Task[];
  initial: Parameters;
}

export function setupRun(config: LabConfig): RunSetup {
  const { d, r, family } = config.data;
  const { m, initScale, bias, biasScale, headInit, headScale } = config.model;
  const T = config.pretrain.T;
  const M = drawSubspace(Rng.derive(config.seed, 'truth'), r, d);
  const taskRng = Rng.derive(config.seed, 'tasks');
  const tasks = Array.from({ length: T }, () => drawTask(taskRng, family, config.data));
  const init = Rng.derive(config.seed, 'init');
  const W = new Float32Array(m * d);
  if (config.pretrain.method === 'oracle') {
    // Rows inside span(M) with the same expected norm as a random row.
    const g = new Float64Array(r);
    for (let j = 0; j < m; j++) {
      init.fillNormal(g, initScale / Math.sqrt(r));
      for (let k = 0; k < d; k++) {
        let s = 0;
        for (let a = 0; a < r; a++) s += M.data[a * d + k] * g[a];
        W[j * d + k] = s;
      }
    }
  } else init.fillNormal(W, initScale / Math.sqrt(d));
  const b = new Float32Array(m);
  if (bias !== 'none') init.fillNormal(b, biasScale);
  const heads = new Float32Array(T * m);
  if (headInit === 'random') init.fillNormal(heads, headScale);
  return { M, tasks, initial: { W, b, heads } };
}

export function roundSpec(config: LabConfig): RoundSpec {
  const p = config.pretrain;
  const updateRep = p.method === 'alternating' || p.method === 'joint';
  return {
    loss: p.loss,
    lrHead: p.lrHead,
    lrRep: p.lrRep,
    weightDecay: p.weightDecay,
    headSteps: p.headOrder === 'frozen' ? 0 : p.headSteps,
    headOrder: p.method === 'joint' || p.headOrder === 'after' ? 'after' : 'before',
    updateRep,
    trainBias: updateRep && config.model.bias === 'trained',
    repSlot: p.splitSamples ? 'rep' : 'head',
  };
}

/** Fixed input pairs and how often the training tasks agree on them. */
function diagnosticPairs(config: LabConfig, setup: RunSetup): { X: Float32Array; agreement: Float64Array } {
  const { d, r } = config.data;
  const pairs = config.diagnostics.pairs;
  const X = sampleInputs(Rng.derive(config.seed, 'diagnostics'), d, 2 * pairs);
  const agreement = new Float64Array(pairs);
  const za = new Float64Array(r);
  const zb = new Float64Array(r);
  for (let p = 0; p < pairs; p++) {
    project(setup.M, X, 2 * p * d, za);
    project(setup.M, X, (2 * p + 1) * d, zb);
    let s = 0;
    for (const task of setup.tasks) s += labelOf(task, za) * labelOf(task, zb);
    agreement[p] = s / setup.tasks.length;
  }
  return { X, agreement };
}

async function loadData(trainer: Trainer, config: LabConfig, setup: RunSetup, rng: Rng): Promise<void> {
  const { n } = config.pretrain;
  const head = sampleTasks(rng, setup.M, setup.tasks, n, config.data.noise);
  await trainer.setData('head', head.X, head.Y);
  if (config.pretrain.splitSamples) {
    const rep = sampleTasks(rng, setup.M, setup.tasks, n, config.data.noise);
    await trainer.setData('rep', rep.X, rep.Y);
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class RunCancelled extends Error {}

/** Pretrains one concrete config (no sweep) on the backend, measuring as it goes, then solves downstream tasks. */
export async function runPretraining(config: LabConfig, backend: Backend, hooks: RunHooks = {}, params: Record<string, unknown> = {}): Promise<RunResult> {
  const started = Date.now();
  const setup = setupRun(config);
  const { d } = config.data;
  const { m } = config.model;
  const { T, n, rounds, logEvery, loss, fresh } = config.pretrain;
  const resume = hooks.resumeFrom;
  const trainer = await backend.createTrainer({ d, m, T, n }, resume ? resume.parameters : setup.initial, { chunkTasks: config.pretrain.chunkTasks });
  try {
    const dataRng = resume ? Rng.fromState(resume.dataRng) : Rng.derive(config.seed, 'data');
    // A fixed dataset is regenerated from the seed; fresh data is drawn each round from the saved stream.
    if (!fresh) await loadData(trainer, config, setup, Rng.derive(config.seed, 'data'));
    const diag = diagnosticPairs(config, setup);
    const spec = roundSpec(config);
    const history: HistoryPoint[] = resume ? [...resume.history] : [];
    let status: RunStatus = 'completed';
    let error: string | undefined;

    const measure = async (round: number): Promise<HistoryPoint> => {
      const p = await trainer.readParameters();
      const sub = subspaceMetrics(p.W, m, setup.M);
      const stats = await trainer.evaluate(loss, 'head');
      const features = await trainer.features(diag.X, 2 * config.diagnostics.pairs);
      const point = { round, energy: sub.energy, sinTheta: sub.sinTheta, loss: stats.loss, accuracy: stats.accuracy, contrastive: contrastiveAlignment(diag.agreement, features, m) };
      history.push(point);
      hooks.onMeasure?.(point);
      return point;
    };

    let round = resume ? resume.round : 0;
    if (fresh && !resume) await loadData(trainer, config, setup, dataRng);
    if (!resume) await measure(0);
    const checkpointEvery = config.pretrain.checkpointEvery;
    while (round < rounds) {
      if (hooks.signal?.aborted) {
        status = 'cancelled';
        break;
      }
      if (fresh && round > 0) await loadData(trainer, config, setup, dataRng);
      const stats = await trainer.round(spec);
      round++;
      if (!Number.isFinite(stats.loss)) {
        status = 'diverged';
        error = `training loss became ${stats.loss} at round ${round}; lower pretrain.lrHead or pretrain.lrRep`;
        break;
      }
      if (round % logEvery === 0 || round === rounds) {
        const point = await measure(round);
        if (!Number.isFinite(point.energy) || !Number.isFinite(point.loss)) {
          status = 'diverged';
          error = `parameters became non-finite by round ${round}; lower pretrain.lrHead or pretrain.lrRep`;
          break;
        }
      }
      hooks.onRound?.(round, rounds);
      if (hooks.onCheckpoint && checkpointEvery > 0 && round % checkpointEvery === 0 && round < rounds)
        await hooks.onCheckpoint({ round, parameters: await trainer.readParameters(), dataRng: dataRng.state(), history: [...history] });
      await yieldToEventLoop();
    }

    const finalParams = await trainer.readParameters();
    await hooks.onFinish?.(finalParams, setup);
    const subspace = subspaceMetrics(finalParams.W, m, setup.M);
    const last = history[history.length - 1];
    const train = status === 'diverged' ? { loss: NaN, accuracy: NaN } : await trainer.evaluate(loss, 'head');
    const downstream =
      status === 'completed' ? await evaluateDownstream(trainer, setup.M, config, Rng.derive(config.seed, 'downstream')) : [];
    return {
      params,
      seed: config.seed,
      status,
      ...(error ? { error } : {}),
      subspace,
      train,
      contrastive: last ? last.contrastive : NaN,
      downstream,
      history,
      rounds: round,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    trainer.dispose();
  }
}
