import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Rng } from '../lab/rng';
import { LOSSES } from '../lab/schema';
import type { Backend, ModelShape, Parameters, RoundSpec } from '../lab/backends/types';
import { meanLoss, referenceRound, relativeError, to64, hiddenRow } from './helpers/reference';
import { createBackend, SUITE_BACKENDS, unavailableReason } from './helpers/backends';

const shape: ModelShape = { d: 5, m: 7, T: 3, n: 4 };

function randomParams(seed: number, s = shape): Parameters {
  const rng = Rng.derive(seed, 'params');
  const W = new Float32Array(s.m * s.d);
  const b = new Float32Array(s.m);
  const heads = new Float32Array(s.T * s.m);
  rng.fillNormal(W, 0.6);
  rng.fillNormal(b, 0.3);
  rng.fillNormal(heads, 2);
  return { W, b, heads };
}

function randomData(seed: number, s = shape) {
  const rng = Rng.derive(seed, 'data');
  const X = new Float32Array(s.T * s.n * s.d);
  rng.fillNormal(X);
  const Y = Float32Array.from({ length: s.T * s.n }, () => (rng.uniform() < 0.5 ? -1 : 1));
  return { X, Y };
}

const base: RoundSpec = { loss: 'logistic', lrHead: 0, lrRep: 0, weightDecay: 0, headSteps: 0, headOrder: 'before', updateRep: false, trainBias: false, repSlot: 'head' };

/** Central finite differences of the float64 reference loss. */
function numericGradient(f: (v: Float64Array) => number, at: Float64Array, eps = 1e-5): Float64Array {
  const g = new Float64Array(at.length);
  for (let i = 0; i < at.length; i++) {
    const plus = Float64Array.from(at);
    const minus = Float64Array.from(at);
    plus[i] += eps;
    minus[i] -= eps;
    g[i] = (f(plus) - f(minus)) / (2 * eps);
  }
  return g;
}

for (const name of SUITE_BACKENDS) {
  describe(`backend conformance: ${name}`, { skip: unavailableReason(name) }, () => {
    let backend: Backend;
    before(async () => {
      backend = await createBackend(name);
    });

    for (const loss of LOSSES) {
      it(`head gradient of the ${loss} loss matches finite differences`, async () => {
        const p = randomParams(1);
        const { X, Y } = randomData(2);
        const trainer = await backend.createTrainer(shape, p, { chunkTasks: 2 });
        await trainer.setData('head', X, Y);
        const lr = 1e-2;
        await trainer.round({ ...base, loss, lrHead: lr, headSteps: 1 });
        const after = await trainer.readParameters();
        trainer.dispose();
        const p64 = to64(p);
        for (let task = 0; task < shape.T; task++) {
          const at = p64.heads.slice(task * shape.m, (task + 1) * shape.m);
          const fd = numericGradient((v) => {
            const heads = Float64Array.from(p64.heads);
            heads.set(v, task * shape.m);
            return meanLoss(shape, { ...p64, heads }, X, Y, loss, task);
          }, at);
          const got = at.map((a, j) => (a - after.heads[task * shape.m + j]) / (lr * shape.m));
          assert.ok(relativeError(got, fd) < 2e-3, `task ${task}: relative error ${relativeError(got, fd)}`);
        }
      });

      it(`representation gradient of the ${loss} loss (W and trained b) matches finite differences`, async () => {
        const p = randomParams(3);
        const { X, Y } = randomData(4);
        const trainer = await backend.createTrainer(shape, p, { chunkTasks: 1 });
        await trainer.setData('head', X, Y);
        const lr = 1e-2;
        await trainer.round({ ...base, loss, lrRep: lr, updateRep: true, trainBias: true });
        const after = await trainer.readParameters();
        trainer.dispose();
        const p64 = to64(p);
        const fdW = numericGradient((W) => meanLoss(shape, { ...p64, W }, X, Y, loss), p64.W);
        const fdb = numericGradient((b) => meanLoss(shape, { ...p64, b }, X, Y, loss), p64.b);
        const gotW = p64.W.map((w, i) => (w - after.W[i]) / (lr * shape.m));
        const gotb = p64.b.map((v, j) => (v - after.b[j]) / (lr * shape.m));
        assert.ok(relativeError(gotW, fdW) < 2e-3, `W: relative error ${relativeError(gotW, fdW)}`);
        assert.ok(relativeError(gotb, fdb) < 2e-3, `b: relative error ${relativeError(gotb, fdb)}`);
      });
    }

    const variants: Array<[string, Partial<RoundSpec>, number]> = [
      ['heads before W (the paper), 3 head steps, logistic', { headSteps: 3, headOrder: 'before', updateRep: true, weightDecay: 0.05 }, 2],
      ['heads after W (joint), hinge, trained bias', { loss: 'hinge', headSteps: 1, headOrder: 'after', updateRep: true, trainBias: true }, 1],
      ['separate samples for the representation step, squared', { loss: 'squared', headSteps: 2, updateRep: true, repSlot: 'rep' }, 3],
      ['heads only (random features), correlation', { loss: 'correlation', headSteps: 1, updateRep: false }, 0],
    ];
    for (const [label, patch, chunk] of variants) {
      it(`three rounds agree with the float64 reference: ${label}, chunk ${chunk || 'auto'}`, async () => {
        const spec: RoundSpec = { ...base, lrHead: 0.5, lrRep: 0.5, ...patch };
        const p = randomParams(5);
        const head = randomData(6);
        const rep = randomData(7);
        const trainer = await backend.createTrainer(shape, p, { chunkTasks: chunk });
        await trainer.setData('head', head.X, head.Y);
        await trainer.setData('rep', rep.X, rep.Y);
        let ref = to64(p);
        for (let k = 0; k < 3; k++) {
          const stats = await trainer.round(spec);
          const expectedLoss = meanLoss(shape, ref, head.X, head.Y, spec.loss);
          assert.ok(Math.abs(stats.loss - expectedLoss) < 1e-4 * Math.max(1, Math.abs(expectedLoss)), `round ${k} loss ${stats.loss} vs ${expectedLoss}`);
          ref = referenceRound(shape, ref, head, spec.repSlot === 'rep' ? rep : head, spec);
        }
        const got = await trainer.readParameters();
        const evaluated = await trainer.evaluate(spec.loss, 'head');
        trainer.dispose();
        assert.ok(relativeError(got.W, ref.W) < 1e-4, `W relative error ${relativeError(got.W, ref.W)}`);
        assert.ok(relativeError(got.heads, ref.heads) < 1e-4, `heads relative error ${relativeError(got.heads, ref.heads)}`);
        assert.ok(relativeError(got.b, ref.b) < 1e-4, `b relative error ${relativeError(got.b, ref.b)}`);
        const expected = meanLoss(shape, ref, head.X, head.Y, spec.loss);
        assert.ok(Math.abs(evaluated.loss - expected) < 1e-4 * Math.max(1, Math.abs(expected)));
      });
    }

    it('features are relu(XWᵀ + b)', async () => {
      const p = randomParams(8);
      const { X } = randomData(9);
      const trainer = await backend.createTrainer(shape, p, { chunkTasks: 0 });
      const count = shape.T * shape.n;
      const F = await trainer.features(X, count);
      trainer.dispose();
      const expected = new Float64Array(count * shape.m);
      for (let i = 0; i < count; i++) hiddenRow(shape, to64(p), X, i).forEach((h, j) => (expected[i * shape.m + j] = Math.max(0, h)));
      assert.ok(relativeError(F, expected) < 1e-5);
    });

    it('is deterministic: the same inputs give bit-identical parameters', async () => {
      const results: Parameters[] = [];
      for (let k = 0; k < 2; k++) {
        const trainer = await backend.createTrainer(shape, randomParams(10), { chunkTasks: 2 });
        const { X, Y } = randomData(11);
        await trainer.setData('head', X, Y);
        for (let r = 0; r < 5; r++) await trainer.round({ ...base, lrHead: 0.5, lrRep: 0.5, headSteps: 1, updateRep: true, weightDecay: 0.05 });
        results.push(await trainer.readParameters());
        trainer.dispose();
      }
      assert.deepEqual(results[0].W, results[1].W);
      assert.deepEqual(results[0].heads, results[1].heads);
    });

    it('rejects parameters and data of the wrong size with a clear message', async () => {
      await assert.rejects(backend.createTrainer(shape, { ...randomParams(1), W: new Float32Array(3) }, { chunkTasks: 0 }), /parameters\.W must hold 35 values/);
      const trainer = await backend.createTrainer(shape, randomParams(1), { chunkTasks: 0 });
      await assert.rejects(async () => trainer.setData('head', new Float32Array(10), new Float32Array(12)), /X must hold T·n·d = 60 values/);
      await assert.rejects(async () => trainer.round({ ...base, headSteps: 1 }), /no training data was set/);
      trainer.dispose();
    });

    it('round returns the loss and accuracy at the starting parameters', async () => {
      const p = randomParams(12);
      const { X, Y } = randomData(13);
      const trainer = await backend.createTrainer(shape, p, { chunkTasks: 0 });
      await trainer.setData('head', X, Y);
      const before = await trainer.evaluate('logistic', 'head');
      const stats = await trainer.round({ ...base, lrHead: 0.5, lrRep: 0.5, headSteps: 1, updateRep: true });
      trainer.dispose();
      assert.ok(Math.abs(stats.loss - before.loss) < 1e-5);
      assert.equal(stats.accuracy, before.accuracy);
      let correct = 0;
      const p64 = to64(p);
      for (let t2 = 0; t2 < shape.T; t2++)
        for (let i = 0; i < shape.n; i++) {
          const row = t2 * shape.n + i;
          const h = hiddenRow(shape, p64, X, row);
          let f = 0;
          for (let j = 0; j < shape.m; j++) f += p64.heads[t2 * shape.m + j] * Math.max(0, h[j]);
          if (Y[row] * f > 0) correct++;
        }
      assert.equal(before.accuracy, correct / (shape.T * shape.n));
    });
  });
}
