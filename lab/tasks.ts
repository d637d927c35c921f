import { matrix, Matrix, orthonormalizeRows } from './linalg';
import { Rng } from './rng';
import type { Family, LabConfig } from './schema';

/** A task's labelling rule on the latent z = Mx; plain data so sessions can store it. */
export type Task =
  | { family: 'linear'; v: number[] }
  | { family: 'affine'; v: number[]; c: number }
  | { family: 'teacher'; C: number[][]; u: number[] }
  | { family: 'xor'; i: number; j: number };

/** Ground truth M ∈ R^{r×d} with orthonormal rows: QR of a Gaussian matrix. */
export function drawSubspace(rng: Rng, r: number, d: number): Matrix {
  const g = matrix(r, d);
  rng.fillNormal(g.data);
  return orthonormalizeRows(g);
}

const RELU_MEAN = 1 / Math.sqrt(2 * Math.PI);

export function drawTask(rng: Rng, family: Family, data: LabConfig['data']): Task {
  const r = data.r;
  switch (family) {
    case 'linear':
      return { family, v: Array.from(rng.unitVector(r)) };
    case 'affine': {
      const v = Array.from(rng.unitVector(r));
      return { family, v, c: data.offsetMin + (data.offsetMax - data.offsetMin) * rng.uniform() };
    }
    case 'teacher': {
      const C: number[][] = [];
      const u: number[] = [];
      for (let k = 0; k < data.teacherWidth; k++) {
        C.push(Array.from(rng.unitVector(r)));
        u.push(rng.normal());
      }
      return { family, C, u };
    }
    case 'xor': {
      const i = rng.int(r);
      let j = rng.int(r - 1);
      if (j >= i) j++;
      return { family, i, j };
    }
  }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

/** The noiseless label ±1 of latent z; ties go to +1. */
export function labelOf(task: Task, z: ArrayLike<number>): number {
  let score: number;
  switch (task.family) {
    case 'linear':
      score = dot(task.v, z);
      break;
    case 'affine':
      score = dot(task.v, z) - task.c;
      break;
    case 'teacher':
      // Centred by E[relu(c·z)] so the classes stay roughly balanced.
      score = 0;
      for (let k = 0; k < task.C.length; k++) score += task.u[k] * (Math.max(0, dot(task.C[k], z)) - RELU_MEAN);
      break;
    case 'xor':
      score = z[task.i] * z[task.j];
      break;
  }
  return score >= 0 ? 1 : -1;
}

export function project(M: Matrix, x: ArrayLike<number>, offset: number, z: Float64Array): Float64Array {
  const { rows, cols, data } = M;
  for (let a = 0; a < rows; a++) {
    let s = 0;
    const o = a * cols;
    for (let j = 0; j < cols; j++) s += data[o + j] * x[offset + j];
    z[a] = s;
  }
  return z;
}

export type Samples = { X: Float32Array; Y: Float32Array; count: number };

/** n fresh samples x ~ N(0, I_d) with labels of one task, flipped with probability noise. */
export function sampleTask(rng: Rng, M: Matrix, task: Task, n: number, noise: number, into?: Samples, at = 0): Samples {
  const d = M.cols;
  const out = into ?? { X: new Float32Array(n * d), Y: new Float32Array(n), count: n };
  const z = new Float64Array(M.rows);
  for (let i = 0; i < n; i++) {
    const row = (at + i) * d;
    for (let j = 0; j < d; j++) out.X[row + j] = rng.normal();
    project(M, out.X, row, z);
    const flip = rng.uniform() < noise;
    const y = labelOf(task, z);
    out.Y[at + i] = flip ? -y : y;
  }
  return out;
}

/** n samples for each of the tasks, laid out task after task. */
export function sampleTasks(rng: Rng, M: Matrix, tasks: Task[], n: number, noise: number): Samples {
  const out: Samples = { X: new Float32Array(tasks.length * n * M.cols), Y: new Float32Array(tasks.length * n), count: tasks.length * n };
  tasks.forEach((task, t) => sampleTask(rng, M, task, n, noise, out, t * n));
  return out;
}

/** Inputs alone, for diagnostics. */
export function sampleInputs(rng: Rng, d: number, count: number): Float32Array {
  const X = new Float32Array(count * d);
  for (let i = 0; i < X.length; i++) X[i] = rng.normal();
  return X;
}
