import assert from 'node:assert/strict';
import { it } from 'node:test';
import { flatInD, mechanism, neuronAdvantage, recoveryTrend, singleTaskShortfall, spearman } from '../lab/reproduce/criteria';

const deg = (d: number) => (d * Math.PI) / 180;

it('spearman: monotone, reversed, and tied data', () => {
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  assert.ok(Math.abs(spearman([1, 2, 3, 4, 5], [5, 4, 2, 3, 1]) + 0.9) < 1e-12);
  assert.equal(spearman([1, 2, 3], [1, 1, 1]), 0);
});

it('claim 1 criterion: a falling curve passes; a flat one, a non-monotone one or a small drop fails', () => {
  const good = [1, 4, 16, 64, 256].map((T, i) => ({ T, sinTheta: 1 - i * 0.22, energy: 0.2 + i * 0.17 }));
  assert.equal(recoveryTrend(good).supported, true);
  assert.equal(recoveryTrend(good.map((r) => ({ ...r, sinTheta: 0.95 }))).supported, false);
  const wiggly = good.map((r, i) => ({ ...r, sinTheta: [1, 0.3, 0.9, 0.2, 0.4][i] }));
  assert.equal(recoveryTrend(wiggly).supported, false);
  const shallow = good.map((r, i) => ({ ...r, sinTheta: 1 - i * 0.1 }));
  assert.equal(recoveryTrend(shallow).supported, false, 'sinθ only falls to 0.6 of its T = 1 value');
  assert.equal(recoveryTrend(good.slice(1)).supported, false, 'must start from T = 1');
});

it('claim 2 criterion: single tasks that miss directions pass; single tasks that recover all fail', () => {
  const single = Array.from({ length: 8 }, () => [deg(20), deg(80), deg(88)]);
  const multi = Array.from({ length: 8 }, () => [deg(3), deg(4), deg(6)]);
  const pass = singleTaskShortfall(single, multi);
  assert.equal(pass.supported, true);
  assert.equal(pass.singleDirections, 1);
  assert.equal(singleTaskShortfall(multi, multi).supported, false);
  assert.equal(singleTaskShortfall(single, single).supported, false, 'multi-task must recover');
});

it('claim 3 criterion: flat pretrained and degrading random passes; either failing fails', () => {
  const d = [32, 64, 128, 256];
  const flat = d.map((x) => ({ d: x, accuracy: 0.88 }));
  const falling = d.map((x, i) => ({ d: x, accuracy: 0.7 - 0.05 * i }));
  assert.equal(flatInD(flat, falling).supported, true);
  assert.equal(flatInD(falling, falling).supported, false);
  assert.equal(flatInD(flat, flat).supported, false);
});

it('claim 4 criterion: narrow pretrained beating wide random passes; the reverse fails', () => {
  const m = [32, 128, 512];
  const pre = m.map((x) => ({ m: x, accuracy: 0.9 }));
  const rnd = m.map((x, i) => ({ m: x, accuracy: 0.6 + 0.05 * i }));
  const v = neuronAdvantage(pre, rnd);
  assert.equal(v.supported, true);
  assert.equal(v.widthRatio, 16);
  assert.equal(neuronAdvantage(pre.map((p) => ({ ...p, accuracy: 0.65 })), rnd).supported, false);
});

it('claim 5 criterion: a rising diagnostic and weak ablations pass; a strong ablation or no rise fails', () => {
  const paper = { riseContrastive: 0.8, energyGain: 0.8 };
  assert.equal(mechanism(paper, [{ label: 'frozen', energyGain: 0.1 }]).supported, true);
  assert.equal(mechanism(paper, [{ label: 'frozen', energyGain: 0.6 }]).supported, false);
  assert.equal(mechanism({ ...paper, riseContrastive: 0.05 }, [{ label: 'frozen', energyGain: 0.1 }]).supported, false);
});
