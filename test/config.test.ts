import assert from 'node:assert/strict';
import { it } from 'node:test';
import { assignRaw, ConfigError, defaultConfig, expandRuns, parseAssignment, resolveConfig } from '../lab/config';

function issuesOf(input: unknown): Array<{ path: string; message: string }> {
  try {
    resolveConfig(input);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.issues;
  }
  assert.fail('expected a ConfigError');
}

it('an empty config resolves to the documented defaults', () => {
  const c = resolveConfig({});
  assert.deepEqual(c, defaultConfig());
  assert.equal(c.data.d, 64);
  assert.equal(c.data.r, 3);
  assert.equal(c.model.m, 256);
  assert.equal(c.pretrain.T, 256);
  assert.equal(c.pretrain.lrHead, 0.5);
  assert.equal(c.pretrain.weightDecay, 0.05);
  assert.deepEqual(c.downstream.n, [16, 64, 256]);
});

it('every bad field gets its own message naming the field and the allowed range', () => {
  const issues = issuesOf({ data: { d: 10, r: 10, foo: 1 }, model: { m: 0 }, pretrain: { lrRep: -1, loss: 'mse', lrHead: NaN }, bogus: true });
  const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
  assert.match(byPath['data.r'], /must be less than data.d \(10\); got 10/);
  assert.match(byPath['data.foo'], /unknown key \(allowed: d, r, family/);
  assert.match(byPath['model.m'], /must be an integer in \[1, 65536\]; got 0/);
  assert.match(byPath['pretrain.lrRep'], /must be a number in \[0, 10000\]; got -1/);
  assert.match(byPath['pretrain.lrHead'], /got NaN/);
  assert.match(byPath['pretrain.loss'], /must be one of "logistic", "hinge", "squared", "correlation"; got "mse"/);
  assert.match(byPath.bogus, /unknown key/);
});

it('wrong types and shapes are rejected', () => {
  const issues = issuesOf({ data: 5, pretrain: { fresh: 'yes', T: 2.5 }, downstream: { n: [16, -1] } });
  const paths = issues.map((i) => i.path).sort();
  assert.deepEqual(paths, ['data', 'downstream.n', 'pretrain.T', 'pretrain.fresh']);
  assert.match(issuesOf([1, 2])[0].message, /must be a JSON object/);
});

it('cross-field rules: xor needs r ≥ 2, offsets ordered, memory bounded', () => {
  assert.match(issuesOf({ data: { family: 'xor', r: 1 } })[0].message, /at least 2 for the xor family/);
  assert.match(issuesOf({ data: { offsetMin: 2, offsetMax: 1 } })[0].message, /must not exceed data.offsetMax/);
  assert.match(issuesOf({ data: { d: 4096 }, pretrain: { T: 100000, n: 1000 } })[0].message, /exceeds the limit/);
});

it('sweeps: values validated per entry, relations checked per point, runs expanded with seeds', () => {
  const issues = issuesOf({ sweep: { over: { 'pretrain.T': [1, 0], 'data.x': [1], 'data.r': [2, 70] } } });
  const paths = issues.map((i) => i.path);
  assert.ok(paths.includes('sweep.over["pretrain.T"][1]'));
  assert.ok(paths.includes('sweep.over["data.x"]'));
  assert.ok(paths.some((p) => p.startsWith('data.r (data.r=70)')), paths.join(';'));
  const c = resolveConfig({ seed: 5, sweep: { over: { 'pretrain.T': [1, 16] }, seeds: 2 } });
  const runs = expandRuns(c);
  assert.deepEqual(
    runs.map((r) => [r.params['pretrain.T'], r.seed, r.config.pretrain.T]),
    [
      [1, 5, 1],
      [1, 6, 1],
      [16, 5, 16],
      [16, 6, 16],
    ],
  );
  assert.deepEqual(runs[0].config.sweep, { over: {}, seeds: 1 });
});

it('--set assignments parse JSON values and dotted sweep keys', () => {
  const raw: Record<string, unknown> = {};
  for (const text of ['pretrain.T=16', 'data.family=teacher', 'downstream.n=[8,32]', 'sweep.over.pretrain.T=[1,4]', 'pretrain.fresh=true']) {
    const { path, value } = parseAssignment(text);
    assignRaw(raw, path, value);
  }
  const c = resolveConfig(raw);
  assert.equal(c.pretrain.T, 16);
  assert.equal(c.data.family, 'teacher');
  assert.deepEqual(c.downstream.n, [8, 32]);
  assert.deepEqual(c.sweep.over, { 'pretrain.T': [1, 4] });
  assert.equal(c.pretrain.fresh, true);
  assert.throws(() => parseAssignment('novalue'), /expected key=value/);
  assert.throws(() => assignRaw({}, '__proto__.x', 1), /not a config path/);
});

it('every built-in preset, the reproduction experiments included, is a valid config', async () => {
  const { PRESETS } = await import('../lab/presets');
  assert.ok(PRESETS.some((p) => p.name === 'claim-1') && PRESETS.some((p) => p.name === 'claim-5-frozenRandom'));
  assert.equal(new Set(PRESETS.map((p) => p.name)).size, PRESETS.length);
  for (const p of PRESETS) assert.doesNotThrow(() => resolveConfig(p.config), p.name);
});
