import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadTfjs, TfjsBackend } from '../lab/backends/tfjs';
import { resolveConfig } from '../lab/config';
import { runPretraining } from '../lab/train';

it('tfjs training leaks no tensors across rounds, measurements and downstream', async () => {
  const { tf } = await loadTfjs('tfjs-wasm');
  const backend = await TfjsBackend.create('tfjs-wasm');
  const config = resolveConfig({
    backend: 'tfjs-wasm',
    data: { d: 12, r: 2 },
    model: { m: 16, bias: 'trained' },
    pretrain: { T: 6, n: 8, rounds: 4, logEvery: 2, fresh: true, splitSamples: true, chunkTasks: 4 },
    downstream: { tasks: 2, n: [4], nTest: 20 },
    diagnostics: { pairs: 10 },
  });
  await runPretraining(config, backend);
  const before = tf.memory().numTensors;
  await runPretraining(config, backend);
  await runPretraining({ ...config, pretrain: { ...config.pretrain, rounds: 12 } }, backend);
  assert.equal(tf.memory().numTensors, before);
});
