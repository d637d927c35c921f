import type { LossName } from '../schema';

/** The heavy work of training, behind one interface that every backend implements identically. */

export interface ModelShape {
  d: number;
  m: number;
  T: number;
  n: number;
}

/** W is m×d row-major (row j = neuron j), b has m entries, heads is T×m (row t = task t's head). */
export interface Parameters {
  W: Float32Array;
  b: Float32Array;
  heads: Float32Array;
}

export type Slot = 'head' | 'rep';

/**
 * One pretraining round, with f_t(x) = (1/m) Σ_j a_tj relu(w_j·x + b_j) and loss ℓ(y·f):
 * - head step (headSteps times, W fixed): a_t -= lrHead · m · ∇_{a_t} mean_i ℓ over task t's samples;
 * - representation step: W -= lrRep · (m · ∇_W L + weightDecay · W), L = mean over all T·n samples,
 *   evaluated on `repSlot`'s samples with the heads as they stand at that moment;
 * - headOrder 'before' updates heads first (the paper's method), 'after' uses the old heads for W's
 *   gradient and then updates them (so 'after' with one head step is plain joint gradient descent).
 */
export interface RoundSpec {
  loss: LossName;
  lrHead: number;
  lrRep: number;
  weightDecay: number;
  headSteps: number;
  headOrder: 'before' | 'after';
  updateRep: boolean;
  trainBias: boolean;
  repSlot: Slot;
}

/** Mean loss over tasks and the fraction of positive margins, at the parameters the round started from. */
export interface RoundStats {
  loss: number;
  accuracy: number;
}

export interface Trainer {
  readonly shape: ModelShape;
  /** X holds T·n rows of d inputs, task after task; Y the T·n labels ±1. */
  setData(slot: Slot, X: Float32Array, Y: Float32Array): Promise<void>;
  round(spec: RoundSpec): Promise<RoundStats>;
  evaluate(loss: LossName, slot: Slot): Promise<RoundStats>;
  readParameters(): Promise<Parameters>;
  writeParameters(p: Parameters): Promise<void>;
  /** relu(X Wᵀ + b) for `count` rows of X, as count×m row-major. */
  features(X: Float32Array, count: number): Promise<Float32Array>;
  dispose(): void;
}

export interface BackendInfo {
  name: string;
  family: 'tfjs' | 'native';
  device: 'gpu' | 'cpu';
  version: string;
  details: Record<string, string | number | boolean>;
}

export interface TrainerOptions {
  chunkTasks: number;
}

export interface Backend {
  readonly info: BackendInfo;
  createTrainer(shape: ModelShape, params: Parameters, options: TrainerOptions): Promise<Trainer>;
}

export interface BackendStatus {
  name: string;
  available: boolean;
  reason: string;
  info?: BackendInfo;
}

/** Values per chunk buffer (n·m per task): bounded so a chunk's activations stay near 64 MB. */
const CHUNK_VALUES = 1 << 24;

export function tasksPerChunk(shape: ModelShape, requested: number, values = CHUNK_VALUES): number {
  if (requested > 0) return Math.min(requested, shape.T);
  return Math.max(1, Math.min(shape.T, Math.floor(values / (shape.n * shape.m))));
}

export function checkParameters(shape: ModelShape, p: Parameters): void {
  const want = { W: shape.m * shape.d, b: shape.m, heads: shape.T * shape.m };
  for (const key of ['W', 'b', 'heads'] as const) {
    if (!(p[key] instanceof Float32Array)) throw new TypeError(`parameters.${key} must be a Float32Array`);
    if (p[key].length !== want[key]) throw new RangeError(`parameters.${key} must hold ${want[key]} values; got ${p[key].length}`);
  }
}

export function checkData(shape: ModelShape, X: Float32Array, Y: Float32Array): void {
  if (!(X instanceof Float32Array) || !(Y instanceof Float32Array)) throw new TypeError('training data must be Float32Arrays');
  const rows = shape.T * shape.n;
  if (X.length !== rows * shape.d) throw new RangeError(`X must hold T·n·d = ${rows * shape.d} values; got ${X.length}`);
  if (Y.length !== rows) throw new RangeError(`Y must hold T·n = ${rows} labels; got ${Y.length}`);
}
