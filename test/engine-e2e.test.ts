import assert from 'node:assert/strict';
import { it } from 'node:test';
import { resolveConfig } from '../lab/config';
import { runExperiment } from '../lab/experiment';
import { meanStd } from '../lab/downstream';

// These run on the default backend ("auto": native where it is built, else tfjs), as a user's run would.

it('with the default config, sinTheta at T = 256 is far below T = 1 and energy rises with T', async () => {
  const config = resolveConfig({ downstream: { tasks: 0 }, sweep: { over: { 'pretrain.T': [1, 16, 256] } } });
  const { runs } = await runExperiment(config);
  const [one, sixteen, many] = runs.map((r) => r.subspace);
  assert.ok(one.sinTheta > 0.9, `T=1 sinTheta ${one.sinTheta}`);
  assert.ok(many.sinTheta < 0.3, `T=256 sinTheta ${many.sinTheta}`);
  assert.ok(one.energy < sixteen.energy && sixteen.energy < many.energy, runs.map((r) => r.subspace.energy).join(' < '));
  // Energy starts at about r/d and the pseudo-contrastive alignment grows during multi-task training.
  const history = runs[2].history;
  assert.ok(Math.abs(history[0].energy - 3 / 64) < 0.02, `initial energy ${history[0].energy}`);
  assert.ok(history[history.length - 1].contrastive > history[0].contrastive + 0.3);
  assert.ok(history.every((p, i) => i === 0 || p.round > history[i - 1].round));
});

it('downstream at small n: oracle ≥ alternating ≥ random features', async () => {
  const config = resolveConfig({
    downstream: { tasks: 32, n: [16] },
    sweep: { over: { 'pretrain.method': ['oracle', 'alternating', 'random-features'] } },
  });
  const { runs } = await runExperiment(config);
  const [oracle, alternating, random] = runs.map((r) => r.downstream[0].accuracies);
  // The downstream tasks and samples come from the same seed for every method, so the comparison is paired.
  const gap = meanStd(oracle.map((a, i) => a - alternating[i]));
  const margin = 2 * (gap.std / Math.sqrt(oracle.length));
  assert.ok(gap.mean >= -margin, `oracle falls below alternating by ${-gap.mean} (allowed noise ${margin})`);
  const lift = meanStd(alternating.map((a, i) => a - random[i]));
  assert.ok(lift.mean > 0.15, `alternating beats random features by only ${lift.mean}`);
  assert.ok(lift.mean > 4 * (lift.std / Math.sqrt(oracle.length)));
});

const small = { data: { d: 16 }, model: { m: 32 }, pretrain: { T: 8, n: 16, rounds: 20, logEvery: 5 }, downstream: { tasks: 2, n: [8], nTest: 100 }, diagnostics: { pairs: 50 } };

it('the same seed on the same backend gives identical results', async () => {
  const config = resolveConfig({ ...small, pretrain: { ...small.pretrain, fresh: true } });
  const a = await runExperiment(config);
  const b = await runExperiment(config);
  const strip = (r: (typeof a.runs)[number]) => ({ ...r, seconds: 0 });
  assert.deepEqual(a.runs.map(strip), b.runs.map(strip));
  const other = await runExperiment({ ...config, seed: 1 });
  assert.notDeepEqual(other.runs[0].subspace, a.runs[0].subspace);
});

it('every task family, loss and method trains without error', async () => {
  const config = resolveConfig({
    ...small,
    model: { m: 32, bias: 'trained' },
    sweep: { over: { 'data.family': ['linear', 'affine', 'teacher', 'xor'], 'pretrain.loss': ['logistic', 'hinge', 'squared', 'correlation'] } },
  });
  const { runs, aggregate } = await runExperiment(config);
  assert.equal(runs.length, 16);
  assert.equal(aggregate.length, 16);
  for (const r of runs) {
    assert.equal(r.status, 'completed', JSON.stringify(r.params));
    assert.ok(Number.isFinite(r.subspace.energy) && r.subspace.angles.length === 3);
    assert.equal(r.history.length, 5);
  }
});

it('a run whose loss blows up is recorded as diverged, not thrown', async () => {
  const config = resolveConfig({ ...small, pretrain: { ...small.pretrain, lrHead: 10000, lrRep: 10000, loss: 'squared' } });
  const { runs, status } = await runExperiment(config);
  assert.equal(status, 'diverged');
  assert.equal(runs[0].status, 'diverged');
  assert.match(runs[0].error ?? '', /lower pretrain.lrHead or pretrain.lrRep/);
});

it('an abort signal stops the run cleanly between rounds', async () => {
  const controller = new AbortController();
  const config = resolveConfig({ ...small, pretrain: { ...small.pretrain, rounds: 1000 } });
  const result = await runExperiment(config, {
    signal: controller.signal,
    onProgress: (p) => {
      if (p.round === 7) controller.abort();
    },
  });
  assert.equal(result.status, 'cancelled');
  assert.equal(result.runs[0].status, 'cancelled');
  assert.equal(result.runs[0].rounds, 7);
});
