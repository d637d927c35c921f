import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fitLogisticHead, headAccuracy, meanStd } from '../lab/downstream';
import { Rng } from '../lab/rng';

function problem(seed: number, n: number, p: number) {
  const rng = Rng.derive(seed, 'logreg');
  const w = new Float64Array(p);
  rng.fillNormal(w);
  const F = new Float32Array(n * p);
  rng.fillNormal(F);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0.3;
    for (let j = 0; j < p; j++) s += w[j] * F[i * p + j];
    y[i] = s >= 0 ? 1 : -1;
  }
  return { F, y };
}

/** ∇ of mean logistic loss + λ/2‖w‖² at the fitted head, in the head's own scaled design. */
function gradientNorm(F: Float32Array, y: Float32Array, n: number, p: number, l2: number, head: ReturnType<typeof fitLogisticHead>): number {
  const q = p + 1;
  const g = new Float64Array(q);
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: q }, (_, j) => (j < p ? F[i * p + j] / head.scale : 1));
    const f = x.reduce((s, v, j) => s + v * head.weights[j], 0);
    const coef = -y[i] / (1 + Math.exp(y[i] * f)) / n;
    x.forEach((v, j) => (g[j] += coef * v));
  }
  return Math.sqrt(g.reduce((s, v, j) => s + (v + l2 * head.weights[j]) ** 2, 0));
}

it('the logistic head reaches a stationary point in the primal (n > p) and kernel (n ≤ p) forms', () => {
  for (const [n, p] of [
    [200, 10],
    [12, 40],
  ]) {
    const { F, y } = problem(n, n, p);
    const head = fitLogisticHead(F, y, n, p, 1e-3);
    assert.ok(gradientNorm(F, y, n, p, 1e-3, head) < 1e-7, `n=${n} p=${p}: gradient ${gradientNorm(F, y, n, p, 1e-3, head)}`);
  }
});

it('the logistic head generalises on a linearly separable problem', () => {
  const p = 8;
  const train = problem(3, 400, p);
  const head = fitLogisticHead(train.F, train.y, 400, p, 1e-3);
  assert.ok(headAccuracy(head, train.F, train.y, 400, p) > 0.97);
});

it('meanStd uses the sample standard deviation', () => {
  const s = meanStd([1, 2, 3, 4]);
  assert.equal(s.mean, 2.5);
  assert.ok(Math.abs(s.std - Math.sqrt(5 / 3)) < 1e-12);
  assert.deepEqual(meanStd([7]), { mean: 7, std: 0 });
});
