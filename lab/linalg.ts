/** Small dense linear algebra in float64, row-major. Sizes here are at most a few hundred. */

export type Matrix = { rows: number; cols: number; data: Float64Array };

export function matrix(rows: number, cols: number, data?: ArrayLike<number>): Matrix {
  const out = new Float64Array(rows * cols);
  if (data) {
    if (data.length !== rows * cols) throw new Error(`matrix: expected ${rows * cols} values, got ${data.length}`);
    for (let i = 0; i < out.length; i++) out[i] = data[i];
  }
  return { rows, cols, data: out };
}

/** Orthonormalises the rows in place (modified Gram–Schmidt, twice for stability). */
export function orthonormalizeRows(a: Matrix): Matrix {
  const { rows, cols, data } = a;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < rows; i++) {
      const oi = i * cols;
      for (let k = 0; k < i; k++) {
        const ok = k * cols;
        let dot = 0;
        for (let j = 0; j < cols; j++) dot += data[oi + j] * data[ok + j];
        for (let j = 0; j < cols; j++) data[oi + j] -= dot * data[ok + j];
      }
      let norm = 0;
      for (let j = 0; j < cols; j++) norm += data[oi + j] * data[oi + j];
      norm = Math.sqrt(norm);
      if (norm < 1e-12) throw new Error('orthonormalizeRows: rows are linearly dependent');
      for (let j = 0; j < cols; j++) data[oi + j] /= norm;
    }
  }
  return a;
}

/** Aᵀ A for A (rows×cols) given as float32 or float64 row-major values. */
export function gramOfColumns(values: ArrayLike<number>, rows: number, cols: number): Matrix {
  const g = new Float64Array(cols * cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let p = 0; p < cols; p++) {
      const v = values[o + p];
      if (v === 0) continue;
      const op = p * cols;
      for (let q = p; q < cols; q++) g[op + q] += v * values[o + q];
    }
  }
  for (let p = 0; p < cols; p++) for (let q = 0; q < p; q++) g[p * cols + q] = g[q * cols + p];
  return { rows: cols, cols, data: g };
}

/** A Aᵀ for A (rows×cols). */
export function gramOfRows(values: ArrayLike<number>, rows: number, cols: number): Matrix {
  const g = new Float64Array(rows * rows);
  for (let p = 0; p < rows; p++) {
    for (let q = p; q < rows; q++) {
      let s = 0;
      const op = p * cols;
      const oq = q * cols;
      for (let j = 0; j < cols; j++) s += values[op + j] * values[oq + j];
      g[p * rows + q] = s;
      g[q * rows + p] = s;
    }
  }
  return { rows, cols: rows, data: g };
}

export type Eigen = { values: Float64Array; vectors: Matrix };

/**
 * Symmetric eigendecomposition by Householder tridiagonalisation and implicit QL
 * (the EISPACK tred2/tql2 pair). Values come sorted descending; vectors are the columns.
 */
export function symmetricEigen(a: Matrix): Eigen {
  const n = a.rows;
  if (a.cols !== n) throw new Error('symmetricEigen: matrix must be square');
  const V = Float64Array.from(a.data);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: d, vectors: { rows: 0, cols: 0, data: V } };
  tridiagonalize(V, d, e, n);
  diagonalize(V, d, e, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[j] - d[i]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = d[src];
    for (let k = 0; k < n; k++) vectors[k * n + dst] = V[k * n + src];
  });
  return { values, vectors: { rows: n, cols: n, data: vectors } };
}

function tridiagonalize(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  const at = (i: number, j: number) => i * n + j;
  for (let j = 0; j < n; j++) d[j] = V[at(n - 1, j)];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[at(i - 1, j)];
        V[at(i, j)] = 0;
        V[at(j, i)] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[at(j, i)] = f;
        g = e[j] + V[at(j, j)] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[at(k, j)] * d[k];
          e[k] += V[at(k, j)] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[at(k, j)] -= f * e[k] + g * d[k];
        d[j] = V[at(i - 1, j)];
        V[at(i, j)] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[at(n - 1, i)] = V[at(i, i)];
    V[at(i, i)] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[at(k, i + 1)] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[at(k, i + 1)] * V[at(k, j)];
        for (let k = 0; k <= i; k++) V[at(k, j)] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[at(k, i + 1)] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[at(n - 1, j)];
    V[at(n - 1, j)] = 0;
  }
  V[at(n - 1, n - 1)] = 1;
  e[0] = 0;
}

function diagonalize(V: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  const at = (i: number, j: number) => i * n + j;
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > 200) throw new Error('symmetricEigen: QL iteration did not converge');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            h = V[at(k, i + 1)];
            V[at(k, i + 1)] = s * V[at(k, i)] + c * h;
            V[at(k, i)] = c * V[at(k, i)] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A is overwritten). */
export function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const x = Float64Array.from(b);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let i = col + 1; i < n; i++) if (Math.abs(a[i * n + col]) > Math.abs(a[pivot * n + col])) pivot = i;
    if (Math.abs(a[pivot * n + col]) < 1e-300) throw new Error('solve: singular system');
    if (pivot !== col) {
      for (let j = 0; j < n; j++) {
        const t = a[col * n + j];
        a[col * n + j] = a[pivot * n + j];
        a[pivot * n + j] = t;
      }
      const t = x[col];
      x[col] = x[pivot];
      x[pivot] = t;
    }
    const inv = 1 / a[col * n + col];
    for (let i = col + 1; i < n; i++) {
      const factor = a[i * n + col] * inv;
      if (factor === 0) continue;
      for (let j = col; j < n; j++) a[i * n + j] -= factor * a[col * n + j];
      x[i] -= factor * x[col];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < n; j++) s -= a[i * n + j] * x[j];
    x[i] = s / a[i * n + i];
  }
  return x;
}
