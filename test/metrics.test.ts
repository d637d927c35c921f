import assert from 'node:assert/strict';
import { it } from 'node:test';
import { matrix } from '../lab/linalg';
import { contrastiveAlignment, correlation, neuronView, subspaceMetrics } from '../lab/metrics';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

it('a representation inside span(M) has energy 1 and sinTheta 0', () => {
  const M = matrix(2, 4, [1, 0, 0, 0, 0, 1, 0, 0]);
  const W = Float32Array.from([1, 2, 0, 0, -3, 1, 0, 0, 0.5, 0.5, 0, 0]);
  const s = subspaceMetrics(W, 3, M);
  close(s.energy, 1);
  close(s.sinTheta, 0, 1e-7);
  s.angles.forEach((a) => close(a, 0, 1e-7));
});

it('a representation orthogonal to span(M) has energy 0 and sinTheta 1', () => {
  const M = matrix(1, 3, [1, 0, 0]);
  const s = subspaceMetrics(Float32Array.from([0, 1, 0, 0, 0, 2]), 2, M);
  close(s.energy, 0);
  close(s.sinTheta, 1);
});

it('a tilted row gives energy cos²φ and sinTheta sin φ', () => {
  const phi = 0.3;
  const M = matrix(1, 2, [1, 0]);
  const W = Float64Array.from([Math.cos(phi), Math.sin(phi), 2 * Math.cos(phi), 2 * Math.sin(phi)]);
  const s = subspaceMetrics(W, 2, M);
  close(s.energy, Math.cos(phi) ** 2);
  close(s.sinTheta, Math.sin(phi));
  close(s.angles[0], phi);
});

it('known principal angles: one direction recovered, one at 60°', () => {
  // span(M) = e1, e2; W's top-2 right singular vectors e1 and (cos60 e2 + sin60 e3).
  const c = Math.cos(Math.PI / 3);
  const s60 = Math.sin(Math.PI / 3);
  const M = matrix(2, 3, [1, 0, 0, 0, 1, 0]);
  const W = Float64Array.from([3, 0, 0, 0, 2 * c, 2 * s60]);
  const s = subspaceMetrics(W, 2, M);
  close(s.angles[0], 0, 1e-7);
  close(s.angles[1], Math.PI / 3, 1e-7);
  close(s.sinTheta, s60, 1e-7);
  close(s.energy, (9 + 4 * c * c) / 13);
});

it('with fewer neurons than r, the unreachable directions count as missed (sinTheta 1)', () => {
  const M = matrix(2, 4, [1, 0, 0, 0, 0, 1, 0, 0]);
  const s = subspaceMetrics(Float64Array.from([1, 0, 0, 0]), 1, M);
  close(s.angles[0], 0);
  close(s.sinTheta, 1);
});

it('m < d uses the neuron Gram and agrees with the input Gram', () => {
  const M = matrix(1, 5, [0, 0, 1, 0, 0]);
  const W = Float64Array.from([1, 2, 3, 0, 1, 0, 1, 1, 1, 0]);
  const a = subspaceMetrics(W, 2, M);
  const padded = Float64Array.from([...W, ...new Array(20).fill(0)]);
  const b = subspaceMetrics(padded, 6, M);
  close(a.sinTheta, b.sinTheta, 1e-9);
  close(a.energy, b.energy, 1e-12);
});

it('correlation and the contrastive diagnostic', () => {
  close(correlation([1, 2, 3], [2, 4, 6]), 1);
  close(correlation([1, 2, 3], [3, 2, 1]), -1);
  assert.equal(correlation([1, 1, 1], [1, 2, 3]), 0);
  // Pair 0 identical features (similarity 1) and agreeing tasks; pair 1 orthogonal features and disagreeing tasks.
  const features = Float32Array.from([1, 0, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1]);
  close(contrastiveAlignment([1, -1, 1], features, 2), 1, 1e-9);
});

it('neuronView gives per-neuron energy and the projection on the first two directions', () => {
  const M = matrix(2, 3, [1, 0, 0, 0, 1, 0]);
  const v = neuronView(Float64Array.from([3, 4, 0, 0, 0, 2]), 2, M);
  close(v.energy[0], 1);
  close(v.energy[1], 0);
  assert.deepEqual(v.projection[0], [3, 4]);
  close(v.norm[1], 2);
});
