import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { it } from 'node:test';
import { mtrl, mtrlAsync } from './helpers/cli';

const quick = ['--preset', 'quick', '--set', 'pretrain.rounds=10', '--set', 'downstream.tasks=2'];

it('mtrl --help and every command --help explain the options', () => {
  const help = mtrl(['--help']);
  assert.equal(help.code, 0);
  for (const cmd of ['run', 'presets', 'backends']) {
    assert.match(help.stdout, new RegExp(`\\n  ${cmd}\\s`));
    const sub = mtrl([cmd, '--help']);
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, new RegExp(`Usage: mtrl ${cmd}`));
  }
  assert.match(mtrl(['run', '--help']).stdout, /--set KEY=VALUE/);
  assert.equal(mtrl([]).code, 2);
});

it('bad input exits 2 with one message per field and no stack trace', () => {
  const r = mtrl(['run', '--set', 'data.r=64', '--set', 'model.m=0', '--set', 'pretrain.lrRep=-1']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /data\.r: must be less than data\.d \(64\); got 64/);
  assert.match(r.stderr, /model\.m: must be an integer in \[1, 65536\]; got 0/);
  assert.match(r.stderr, /pretrain\.lrRep: must be a number in \[0, 10000\]; got -1/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.equal(mtrl(['run', '--preset', 'nope']).code, 2);
  assert.equal(mtrl(['run', '--bogus']).code, 2);
  assert.equal(mtrl(['frobnicate']).code, 2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mtrl-cli-'));
  fs.writeFileSync(path.join(dir, 'bad.json'), '{ "data": ');
  const broken = mtrl(['run', '--config', path.join(dir, 'bad.json')]);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /is not valid JSON/);
  assert.match(mtrl(['run', '--config', path.join(dir, 'missing.json')]).stderr, /cannot read config file/);
});

it('mtrl run --json prints one object of the documented shape', () => {
  const r = mtrl(['run', ...quick, '--set', 'sweep.over.pretrain.T=[1,4]', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(typeof out.backend.name, 'string');
  assert.equal(out.config.data.d, 32);
  assert.equal(out.runs.length, 2);
  const run = out.runs[0];
  assert.deepEqual(run.params, { 'pretrain.T': 1 });
  assert.equal(run.seed, 0);
  for (const key of ['energy', 'sinTheta']) assert.equal(typeof run.subspace[key], 'number');
  assert.equal(run.subspace.angles.length, 3);
  assert.equal(typeof run.train.loss, 'number');
  assert.deepEqual(run.downstream.map((p: { n: number }) => p.n), [16, 64]);
  assert.ok('accuracy' in run.downstream[0] && 'std' in run.downstream[0]);
  assert.deepEqual(Object.keys(run.history[0]).sort(), ['accuracy', 'contrastive', 'energy', 'loss', 'round', 'sinTheta']);
  assert.equal(typeof run.seconds, 'number');
});

it('mtrl presets and mtrl backends list one line each', () => {
  const p = mtrl(['presets']);
  assert.equal(p.code, 0);
  assert.match(p.stdout, /tasks-sweep\s+recovery versus the number of tasks/);
  const b = JSON.parse(mtrl(['backends', '--json']).stdout);
  assert.deepEqual(b.map((s: { name: string }) => s.name), ['tfjs-node-gpu', 'native', 'tfjs-node', 'tfjs-wasm', 'tfjs-cpu']);
  assert.ok(b.every((s: { reason: string }) => s.reason.length > 0));
  assert.ok(b.find((s: { name: string }) => s.name === 'tfjs-wasm').available);
});

it('an unavailable backend falls back visibly, and a requested one that is missing fails clearly', () => {
  const r = mtrl(['run', ...quick, '--backend', 'tfjs', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.match(out.backend.name, /^tfjs-/);
  assert.match(r.stderr, /backend: tfjs-/);
  const missing = mtrl(['run', ...quick, '--backend', 'tfjs-node-gpu']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no backend for "tfjs-node-gpu" could load/);
});

it('Ctrl-C stops a run cleanly and still prints what was measured', async () => {
  const run = mtrlAsync(['run', '--preset', 'quick', '--set', 'pretrain.rounds=100000', '--json']);
  while (!/backend:/.test(run.output().stderr)) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 500));
  run.child.kill('SIGINT');
  const { code, stdout, stderr } = await run.done;
  assert.equal(code, 130, stderr);
  const out = JSON.parse(stdout);
  assert.equal(out.status, 'cancelled');
  assert.ok(out.runs[0].rounds > 0 && out.runs[0].rounds < 100000);
});
