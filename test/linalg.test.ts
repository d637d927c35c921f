import assert from 'node:assert/strict';
import { it } from 'node:test';
import { gramOfColumns, matrix, orthonormalizeRows, solve, symmetricEigen } from '../lab/linalg';
import { Rng } from '../lab/rng';

it('symmetricEigen satisfies A v = λ v with orthonormal vectors, values descending', () => {
  const rng = Rng.derive(1, 'eig');
  for (const n of [1, 2, 5, 40]) {
    const B = new Float64Array(n * n);
    rng.fillNormal(B);
    const A = gramOfColumns(B, n, n);
    const { values, vectors } = symmetricEigen(A);
    for (let c = 0; c < n; c++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += A.data[i * n + k] * vectors.data[k * n + c];
        assert.ok(Math.abs(av - values[c] * vectors.data[i * n + c]) < 1e-9 * Math.max(1, values[0]));
      }
      for (let c2 = 0; c2 < n; c2++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors.data[i * n + c] * vectors.data[i * n + c2];
        assert.ok(Math.abs(dot - (c === c2 ? 1 : 0)) < 1e-10);
      }
      if (c > 0) assert.ok(values[c] <= values[c - 1]);
    }
  }
});

it('symmetricEigen finds known eigenvalues of a diagonal and a repeated spectrum', () => {
  const { values } = symmetricEigen(matrix(3, 3, [2, 0, 0, 0, 5, 0, 0, 0, -1]));
  assert.deepEqual(Array.from(values), [5, 2, -1]);
  const same = symmetricEigen(matrix(2, 2, [3, 0, 0, 3]));
  assert.deepEqual(Array.from(same.values), [3, 3]);
});

it('orthonormalizeRows gives orthonormal rows spanning the same space', () => {
  const a = matrix(2, 3, [1, 1, 0, 1, 0, 1]);
  orthonormalizeRows(a);
  const [r0, r1] = [a.data.slice(0, 3), a.data.slice(3, 6)];
  const dot = (x: Float64Array, y: Float64Array) => x.reduce((s, v, i) => s + v * y[i], 0);
  assert.ok(Math.abs(dot(r0, r0) - 1) < 1e-12 && Math.abs(dot(r1, r1) - 1) < 1e-12 && Math.abs(dot(r0, r1)) < 1e-12);
  assert.throws(() => orthonormalizeRows(matrix(2, 2, [1, 2, 2, 4])), /linearly dependent/);
});

it('solve returns x with A x = b, and refuses a singular system', () => {
  const x = solve(Float64Array.from([0, 2, 1, 1]), Float64Array.from([4, 3]), 2);
  assert.ok(Math.abs(x[0] - 1) < 1e-12 && Math.abs(x[1] - 2) < 1e-12);
  assert.throws(() => solve(Float64Array.from([1, 2, 2, 4]), Float64Array.from([1, 1]), 2), /singular/);
});
