import { gramOfColumns, gramOfRows, Matrix, symmetricEigen } from './linalg';

export interface SubspaceMetrics {
  /** ‖W Mᵀ‖²_F / ‖W‖²_F: share of the representation's energy inside span(M). */
  energy: number;
  /** Sine of the largest principal angle between W's top-r right singular subspace and span(M). */
  sinTheta: number;
  /** The r principal angles in radians, smallest first. */
  angles: number[];
}

/** Rows of W projected on M: P = W Mᵀ (m×r). */
export function projectRows(W: ArrayLike<number>, m: number, M: Matrix): Float64Array {
  const { rows: r, cols: d, data } = M;
  const P = new Float64Array(m * r);
  for (let j = 0; j < m; j++) {
    const o = j * d;
    for (let a = 0; a < r; a++) {
      let s = 0;
      const oa = a * d;
      for (let k = 0; k < d; k++) s += W[o + k] * data[oa + k];
      P[j * r + a] = s;
    }
  }
  return P;
}

export function subspaceEnergy(W: ArrayLike<number>, m: number, M: Matrix): number {
  let total = 0;
  for (let i = 0; i < m * M.cols; i++) total += W[i] * W[i];
  if (total === 0) return 0;
  const P = projectRows(W, m, M);
  let inside = 0;
  for (const v of P) inside += v * v;
  return inside / total;
}

/** Orthonormal basis (d×k, column-major as k vectors) of the top-k right singular vectors of W (m×d). */
export function topRightSingularVectors(W: ArrayLike<number>, m: number, d: number, k: number): Float64Array[] {
  const out: Float64Array[] = [];
  if (m >= d) {
    const { vectors } = symmetricEigen(gramOfColumns(W, m, d));
    for (let c = 0; c < Math.min(k, d); c++) {
      const v = new Float64Array(d);
      for (let i = 0; i < d; i++) v[i] = vectors.data[i * d + c];
      out.push(v);
    }
    return out;
  }
  // Fewer neurons than inputs: the m×m Gram is smaller, and v = Wᵀu / σ.
  const { values, vectors } = symmetricEigen(gramOfRows(W, m, d));
  const tol = Math.max(values[0] ?? 0, 0) * 1e-12;
  for (let c = 0; c < Math.min(k, m); c++) {
    if (!(values[c] > tol)) break;
    const sigma = Math.sqrt(values[c]);
    const v = new Float64Array(d);
    for (let j = 0; j < m; j++) {
      const u = vectors.data[j * m + c];
      if (u === 0) continue;
      for (let i = 0; i < d; i++) v[i] += W[j * d + i] * u;
    }
    for (let i = 0; i < d; i++) v[i] /= sigma;
    out.push(v);
  }
  return out;
}

/** Principal angles between span of orthonormal vectors V and the row space of M (orthonormal rows). */
export function principalAngles(V: Float64Array[], M: Matrix): number[] {
  const r = M.rows;
  const k = V.length;
  const C = new Float64Array(r * k);
  for (let a = 0; a < r; a++)
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let i = 0; i < M.cols; i++) s += M.data[a * M.cols + i] * V[c][i];
      C[a * k + c] = s;
    }
  const cosines = k === 0 ? [] : Array.from(symmetricEigen(gramOfColumns(C, r, k)).values, (v) => Math.sqrt(Math.min(1, Math.max(0, v))));
  // Directions of span(M) that V cannot reach at all (rank-deficient W) sit at a right angle.
  while (cosines.length < r) cosines.push(0);
  return cosines
    .slice(0, r)
    .map((c) => Math.acos(c))
    .sort((x, y) => x - y);
}

export function subspaceMetrics(W: ArrayLike<number>, m: number, M: Matrix): SubspaceMetrics {
  const angles = principalAngles(topRightSingularVectors(W, m, M.cols, M.rows), M);
  return { energy: subspaceEnergy(W, m, M), sinTheta: Math.sin(angles[angles.length - 1]), angles };
}

/** Pearson correlation; 0 when either side is constant. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - ma;
    const y = b[i] - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * The pseudo-contrastive diagnostic: over pairs (x, x'), the correlation between how often the
 * training tasks give them the same label and the cosine similarity of relu(Wx + b) and relu(Wx' + b).
 * `agreement[p]` is precomputed (it does not change during training); `features` holds 2·pairs rows.
 */
export function contrastiveAlignment(agreement: ArrayLike<number>, features: Float32Array, m: number): number {
  const pairs = agreement.length;
  const sim = new Float64Array(pairs);
  for (let p = 0; p < pairs; p++) {
    const oa = 2 * p * m;
    const ob = oa + m;
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let j = 0; j < m; j++) {
      ab += features[oa + j] * features[ob + j];
      aa += features[oa + j] * features[oa + j];
      bb += features[ob + j] * features[ob + j];
    }
    sim[p] = aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
  }
  return correlation(agreement, sim);
}

export interface NeuronView {
  /** Per neuron: ‖M w_j‖² / ‖w_j‖². */
  energy: number[];
  /** Per neuron: the first two coordinates of M w_j (only when r ≥ 2). */
  projection: Array<[number, number]>;
  norm: number[];
}

export function neuronView(W: ArrayLike<number>, m: number, M: Matrix): NeuronView {
  const { rows: r, cols: d } = M;
  const P = projectRows(W, m, M);
  const view: NeuronView = { energy: [], projection: [], norm: [] };
  for (let j = 0; j < m; j++) {
    let total = 0;
    for (let k = 0; k < d; k++) total += W[j * d + k] ** 2;
    let inside = 0;
    for (let a = 0; a < r; a++) inside += P[j * r + a] ** 2;
    view.energy.push(total > 0 ? inside / total : 0);
    view.norm.push(Math.sqrt(total));
    if (r >= 2) view.projection.push([P[j * r], P[j * r + 1]]);
  }
  return view;
}
