import { solve } from './linalg';
import type { Matrix } from './linalg';
import type { Rng } from './rng';
import type { LabConfig } from './schema';
import { drawTask, sampleTask } from './tasks';
import type { Trainer } from './backends/types';

export interface LinearHead {
  weights: Float64Array;
  /** Feature scale learnt on the training set; applied to test features too. */
  scale: number;
  iterations: number;
}

function sigmoid(u: number): number {
  return u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
}

function softplusNeg(u: number): number {
  return u > 0 ? Math.log1p(Math.exp(-u)) : -u + Math.log1p(Math.exp(u));
}

/** Features divided by their RMS and extended by a constant 1 (the intercept), as float64 n×(p+1). */
function design(F: Float32Array, n: number, p: number, scale: number): Float64Array {
  const q = p + 1;
  const X = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) X[i * q + j] = F[i * p + j] / scale;
    X[i * q + p] = 1;
  }
  return X;
}

function featureScale(F: Float32Array, n: number, p: number): number {
  let s = 0;
  for (let i = 0; i < n * p; i++) s += F[i] * F[i];
  const rms = Math.sqrt(s / (n * p));
  return rms > 0 ? rms : 1;
}

/**
 * L2-regularised logistic regression, minimised by damped Newton to a gradient norm of 1e-9:
 * in the primal when samples outnumber features, else in the kernel (representer) form w = Xᵀα.
 */
export function fitLogisticHead(F: Float32Array, y: ArrayLike<number>, n: number, p: number, l2: number): LinearHead {
  const scale = featureScale(F, n, p);
  const q = p + 1;
  const X = design(F, n, p, scale);
  if (n > q) return { ...primalNewton(X, y, n, q, l2), scale };
  return { ...kernelNewton(X, y, n, q, l2), scale };
}

function objective(f: Float64Array, y: ArrayLike<number>, n: number, penalty: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += softplusNeg(y[i] * f[i]);
  return s / n + penalty;
}

function primalNewton(X: Float64Array, y: ArrayLike<number>, n: number, q: number, l2: number) {
  const w = new Float64Array(q);
  const f = new Float64Array(n);
  let iterations = 0;
  for (; iterations < 100; iterations++) {
    const grad = new Float64Array(q);
    const H = new Float64Array(q * q);
    for (let i = 0; i < n; i++) {
      const u = y[i] * f[i];
      const gi = (-y[i] * sigmoid(-u)) / n;
      const di = (sigmoid(u) * sigmoid(-u)) / n;
      const o = i * q;
      for (let a = 0; a < q; a++) {
        grad[a] += gi * X[o + a];
        const xa = di * X[o + a];
        if (xa === 0) continue;
        for (let b = a; b < q; b++) H[a * q + b] += xa * X[o + b];
      }
    }
    let gnorm = 0;
    for (let a = 0; a < q; a++) {
      grad[a] += l2 * w[a];
      gnorm += grad[a] ** 2;
      H[a * q + a] += l2;
      for (let b = 0; b < a; b++) H[a * q + b] = H[b * q + a];
    }
    if (Math.sqrt(gnorm) < 1e-9) break;
    const step = solve(H, grad, q);
    const penalty = (v: Float64Array) => (l2 / 2) * v.reduce((s, x) => s + x * x, 0);
    const current = objective(f, y, n, penalty(w));
    let t = 1;
    for (let ls = 0; ls < 30; ls++, t /= 2) {
      const w2 = w.map((v, a) => v - t * step[a]);
      const f2 = matVec(X, w2, n, q);
      if (objective(f2, y, n, penalty(w2)) <= current + 1e-12) {
        w.set(w2);
        f.set(f2);
        break;
      }
    }
  }
  return { weights: w, iterations };
}

function matVec(X: Float64Array, w: Float64Array, n: number, q: number): Float64Array {
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let a = 0; a < q; a++) s += X[i * q + a] * w[a];
    f[i] = s;
  }
  return f;
}

function kernelNewton(X: Float64Array, y: ArrayLike<number>, n: number, q: number, l2: number) {
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let a = 0; a < q; a++) s += X[i * q + a] * X[j * q + a];
      K[i * n + j] = s;
      K[j * n + i] = s;
    }
  const alpha = new Float64Array(n);
  let f = new Float64Array(n);
  const penalty = (al: Float64Array, fv: Float64Array) => (l2 / 2) * al.reduce((s, v, i) => s + v * fv[i], 0);
  let iterations = 0;
  for (; iterations < 100; iterations++) {
    const r = new Float64Array(n);
    const D = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = y[i] * f[i];
      r[i] = (-y[i] * sigmoid(-u)) / n + l2 * alpha[i];
      D[i] = (sigmoid(u) * sigmoid(-u)) / n;
    }
    // ∇α = K r, so r → 0 is optimality; the Newton step solves (D K + λ I) Δ = r.
    if (Math.sqrt(r.reduce((s, v) => s + v * v, 0)) < 1e-9) break;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) A[i * n + j] = D[i] * K[i * n + j];
      A[i * n + i] += l2;
    }
    const step = solve(A, r, n);
    const current = objective(f, y, n, penalty(alpha, f));
    let t = 1;
    let moved = false;
    for (let ls = 0; ls < 30; ls++, t /= 2) {
      const a2 = alpha.map((v, i) => v - t * step[i]);
      const f2 = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += K[i * n + j] * a2[j];
        f2[i] = s;
      }
      if (objective(f2, y, n, penalty(a2, f2)) <= current + 1e-12) {
        alpha.set(a2);
        f = f2;
        moved = true;
        break;
      }
    }
    if (!moved) break;
  }
  const w = new Float64Array(q);
  for (let i = 0; i < n; i++) for (let a = 0; a < q; a++) w[a] += alpha[i] * X[i * q + a];
  return { weights: w, iterations };
}

/** Fraction of test samples with a positive margin. */
export function headAccuracy(head: LinearHead, F: Float32Array, y: ArrayLike<number>, count: number, p: number): number {
  let correct = 0;
  for (let i = 0; i < count; i++) {
    let s = head.weights[p];
    for (let j = 0; j < p; j++) s += (head.weights[j] * F[i * p + j]) / head.scale;
    if (y[i] * s > 0) correct++;
  }
  return count > 0 ? correct / count : 0;
}

export interface DownstreamPoint {
  n: number;
  accuracy: number;
  std: number;
  accuracies: number[];
}

export function meanStd(values: number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: NaN, std: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance) };
}

/**
 * Freezes the representation, draws new tasks and fits a head on n samples of each (nested sets, so
 * the curve over n is not noisier than the tasks make it); test labels are noiseless.
 */
export async function evaluateDownstream(trainer: Trainer, M: Matrix, config: LabConfig, rng: Rng): Promise<DownstreamPoint[]> {
  const { tasks, n: sizes, nTest, l2 } = config.downstream;
  const family = config.downstream.family === 'same' ? config.data.family : config.downstream.family;
  const m = trainer.shape.m;
  if (tasks === 0 || sizes.length === 0) return [];
  const nMax = Math.max(...sizes);
  const accuracies: number[][] = sizes.map(() => []);
  for (let k = 0; k < tasks; k++) {
    const task = drawTask(rng, family, config.data);
    const train = sampleTask(rng, M, task, nMax, config.data.noise);
    const test = sampleTask(rng, M, task, nTest, 0);
    const Ftrain = await trainer.features(train.X, nMax);
    const Ftest = await trainer.features(test.X, nTest);
    sizes.forEach((n, s) => {
      const head = fitLogisticHead(Ftrain.subarray(0, n * m), train.Y.subarray(0, n), n, m, l2);
      accuracies[s].push(headAccuracy(head, Ftest, test.Y, nTest, m));
    });
  }
  return sizes.map((n, s) => {
    const { mean, std } = meanStd(accuracies[s]);
    return { n, accuracy: mean, std, accuracies: accuracies[s] };
  });
}
