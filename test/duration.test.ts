import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatDuration } from '../lab/duration';

it('durations round once, so no "60 s" and no "4 min 60 s" shows up in an ETA', () => {
  assert.equal(formatDuration(59.6), '1 min 00 s');
  assert.equal(formatDuration(239.7), '4 min 00 s');
  assert.equal(formatDuration(42.2), '42 s');
  assert.equal(formatDuration(3599.5), '1 h 00 min');
  assert.equal(formatDuration(7380), '2 h 03 min');
  for (const bad of [NaN, Infinity, -1, null]) assert.equal(formatDuration(bad), '–');
});
