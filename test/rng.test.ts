import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Rng } from '../lab/rng';

it('same seed and label give the same stream; labels give independent streams', () => {
  const a = Rng.derive(7, 'x');
  const b = Rng.derive(7, 'x');
  const c = Rng.derive(7, 'y');
  const sa = Array.from({ length: 5 }, () => a.nextUint32());
  assert.deepEqual(sa, Array.from({ length: 5 }, () => b.nextUint32()));
  assert.notDeepEqual(sa, Array.from({ length: 5 }, () => c.nextUint32()));
});

it('a saved state continues the exact stream', () => {
  const a = Rng.derive(3, 'resume');
  for (let i = 0; i < 10; i++) a.normal();
  const b = Rng.fromState(a.state());
  assert.deepEqual(Array.from({ length: 20 }, () => a.normal()), Array.from({ length: 20 }, () => b.normal()));
});

it('normal draws have mean 0 and variance 1; unit vectors have norm 1', () => {
  const rng = Rng.derive(11, 'moments');
  const n = 200000;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const v = rng.normal();
    s += v;
    s2 += v * v;
  }
  assert.ok(Math.abs(s / n) < 0.01);
  assert.ok(Math.abs(s2 / n - 1) < 0.02);
  const u = rng.unitVector(5);
  assert.ok(Math.abs(u.reduce((acc, v) => acc + v * v, 0) - 1) < 1e-12);
  for (let i = 0; i < 1000; i++) {
    const x = rng.uniform();
    assert.ok(x >= 0 && x < 1);
  }
});
