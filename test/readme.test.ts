import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';
import { leafPaths } from '../lab/schema';
import { ROOT } from './helpers/cli';

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

it('the README opens with the two commands: run the lab, run the tests', () => {
  const firstBlock = readme.split('```')[1];
  assert.match(firstBlock, /npm install && npm start/);
  assert.match(firstBlock, /\nnpm test\b/);
});

it('the README documents every config key', () => {
  for (const [p] of leafPaths()) assert.ok(readme.includes(`\`${p}\``), `README lacks ${p}`);
});

it('CI runs the README test command', () => {
  assert.match(fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8'), /\nnpm test\n/);
});
