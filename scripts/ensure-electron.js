#!/usr/bin/env node
'use strict';
// `npm install` does not fetch the Electron binary (its download comes from outside the npm registry and
// must never fail an install); `npm start` fetches it on first use, or says what to do instead.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
function binary() {
  try {
    const p = require(require.resolve('electron', { paths: [root] }));
    return typeof p === 'string' && fs.existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

if (!binary()) {
  let installer;
  try {
    installer = require.resolve('electron/install.js', { paths: [root] });
  } catch {
    process.stderr.write('mtrl: the electron package is not installed; run npm install first.\n');
    process.exit(1);
  }
  process.stderr.write('mtrl: downloading the Electron binary (first start only)…\n');
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const r = spawnSync(process.execPath, [installer], { stdio: ['ignore', 'inherit', 'pipe'], env, encoding: 'utf8' });
  if (r.status !== 0 || !binary()) {
    const why = (r.stderr || '').split('\n').find((l) => l.trim() && !/^\s+at /.test(l)) || `installer exited with ${r.status}`;
    process.stderr.write(
      `mtrl: the Electron binary could not be downloaded (${why.trim()}), so the desktop window cannot open here.\n` +
        'mtrl: the same interface runs in a browser: npx mtrl serve (then open the URL it prints).\n',
    );
    process.exit(1);
  }
}
