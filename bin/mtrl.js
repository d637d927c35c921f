#!/usr/bin/env node
'use strict';
const path = require('node:path');
let cli;
try {
  cli = require(path.join(__dirname, '..', 'dist', 'cli', 'main.js'));
} catch (e) {
  process.stderr.write(`mtrl: the build is missing (${e.message.split('\n')[0]}); run npm install or npm run build\n`);
  process.exit(1);
}
cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`mtrl: error: ${e && e.message}\n`);
    process.exitCode = 1;
  },
);
