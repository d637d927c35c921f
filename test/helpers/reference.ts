import { LOSS_FUNCTIONS } from '../../lab/losses';
import type { LossName } from '../../lab/schema';
import type { ModelShape, Parameters, RoundSpec } from '../../lab/backends/types';

/** A plain float64 model of the network and of one round, written from the definitions for tests to compare with. */
export type Params64 = { W: Float64Array; b: Float64Array; heads: Float64Array };

export const to64 = (p: Parameters): Params64 => ({ W: Float64Array.from(p.W), b: Float64Array.from(p.b), heads: Float64Array.from(p.heads) });

export function hiddenRow(s: ModelShape, p: Params64, X: ArrayLike<number>, row: number): Float64Array {
  const h = new Float64Array(s.m);
  for (let j = 0; j < s.m; j++) {
    let v = p.b[j];
    for (let k = 0; k < s.d; k++) v += p.W[j * s.d + k] * X[row * s.d + k];
    h[j] = v;
  }
  return h;
}

export function output(s: ModelShape, heads: ArrayLike<number>, t: number, h: Float64Array): number {
  let f = 0;
  for (let j = 0; j < s.m; j++) f += heads[t * s.m + j] * Math.max(0, h[j]);
  return f / s.m;
}

/** Mean loss of task t (or of all tasks when t is undefined). */
export function meanLoss(s: ModelShape, p: Params64, X: ArrayLike<number>, Y: ArrayLike<number>, loss: LossName, t?: number): number {
  const tasks = t === undefined ? Array.from({ length: s.T }, (_, i) => i) : [t];
  let sum = 0;
  for (const task of tasks)
    for (let i = 0; i < s.n; i++) {
      const row = task * s.n + i;
      sum += LOSS_FUNCTIONS[loss].value(Y[row] * output(s, p.heads, task, hiddenRow(s, p, X, row)));
    }
  return sum / (tasks.length * s.n);
}

function headStep(s: ModelShape, p: Params64, X: ArrayLike<number>, Y: ArrayLike<number>, spec: RoundSpec): void {
  const next = Float64Array.from(p.heads);
  for (let t = 0; t < s.T; t++) {
    const grad = new Float64Array(s.m);
    for (let i = 0; i < s.n; i++) {
      const row = t * s.n + i;
      const h = hiddenRow(s, p, X, row);
      const coef = LOSS_FUNCTIONS[spec.loss].slope(Y[row] * output(s, p.heads, t, h)) * Y[row];
      for (let j = 0; j < s.m; j++) grad[j] += (coef * Math.max(0, h[j])) / s.n;
    }
    for (let j = 0; j < s.m; j++) next[t * s.m + j] -= spec.lrHead * grad[j];
  }
  p.heads = next;
}

function repStep(s: ModelShape, p: Params64, heads: Float64Array, X: ArrayLike<number>, Y: ArrayLike<number>, spec: RoundSpec): Params64 {
  const gW = new Float64Array(s.m * s.d);
  const gb = new Float64Array(s.m);
  for (let t = 0; t < s.T; t++)
    for (let i = 0; i < s.n; i++) {
      const row = t * s.n + i;
      const h = hiddenRow(s, p, X, row);
      const coef = (LOSS_FUNCTIONS[spec.loss].slope(Y[row] * output(s, heads, t, h)) * Y[row]) / (s.T * s.n);
      for (let j = 0; j < s.m; j++) {
        if (h[j] <= 0) continue;
        const g = coef * heads[t * s.m + j];
        gb[j] += g;
        for (let k = 0; k < s.d; k++) gW[j * s.d + k] += g * X[row * s.d + k];
      }
    }
  const W = p.W.map((w, i) => w - spec.lrRep * (gW[i] + spec.weightDecay * w));
  const b = spec.trainBias ? p.b.map((v, j) => v - spec.lrRep * gb[j]) : Float64Array.from(p.b);
  return { W, b, heads: p.heads };
}

/** One round exactly as RoundSpec documents it. */
export function referenceRound(
  s: ModelShape,
  p: Params64,
  head: { X: ArrayLike<number>; Y: ArrayLike<number> },
  rep: { X: ArrayLike<number>; Y: ArrayLike<number> },
  spec: RoundSpec,
): Params64 {
  const cur: Params64 = { W: p.W, b: p.b, heads: Float64Array.from(p.heads) };
  const oldHeads = Float64Array.from(p.heads);
  if (spec.headOrder === 'before') for (let k = 0; k < spec.headSteps; k++) headStep(s, cur, head.X, head.Y, spec);
  let next = spec.updateRep ? repStep(s, cur, spec.headOrder === 'before' ? cur.heads : oldHeads, rep.X, rep.Y, spec) : { ...cur };
  if (spec.headOrder === 'after') {
    const heads = { W: p.W, b: p.b, heads: Float64Array.from(oldHeads) };
    for (let k = 0; k < spec.headSteps; k++) headStep(s, heads, head.X, head.Y, spec);
    next = { ...next, heads: heads.heads };
  }
  return next;
}

export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-12);
}
