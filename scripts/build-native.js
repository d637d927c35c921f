#!/usr/bin/env node
'use strict';
// Builds the native BLAS addon with cmake-js. A failed build never fails `npm install`: the lab then runs on
// TensorFlow.js and `mtrl backends` says why native is missing. MTRL_REQUIRE_NATIVE=1 (CI) makes it fatal.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const cli = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
const args = [cli, 'compile', '-d', 'native', '-O', 'native/build'];
if (process.env.MTRL_FORCE_FALLBACK_GEMM === '1') args.push('--CDMTRL_FORCE_FALLBACK_GEMM=ON');
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  const why = result.error ? result.error.message : `cmake-js exited with ${result.status}`;
  process.stderr.write(`\nmtrl: the native BLAS backend did not build (${why}).\n` +
    'mtrl: training will use TensorFlow.js; install cmake, a C++17 compiler and OpenBLAS, then run npm run build:native.\n');
  process.exit(process.env.MTRL_REQUIRE_NATIVE === '1' ? 1 : 0);
}
