import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, it } from 'node:test';
import { resolveConfig } from '../lab/config';
import { exportArchive, importArchive } from '../lab/sessions/archive';
import { recordExperiment } from '../lab/sessions/record';
import { SessionStore } from '../lab/sessions/store';
import { mtrl } from './helpers/cli';
import { craftZip, CraftedEntry, indexFor } from './helpers/zip';

const tmp = (label: string) => fs.mkdtempSync(path.join(os.tmpdir(), `mtrl-${label}-`));
const small = { data: { d: 12 }, model: { m: 16 }, pretrain: { T: 4, n: 8, rounds: 10, logEvery: 5 }, downstream: { tasks: 1, n: [4], nTest: 20 }, diagnostics: { pairs: 10 } };

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), rel);
      else out[rel] = fs.readFileSync(path.join(d, e.name)).toString('base64');
    }
  };
  walk(dir, '');
  return out;
}

let source: SessionStore;
let ids: string[];
before(async () => {
  source = new SessionStore(tmp('src'));
  ids = [];
  for (const seed of [1, 2]) ids.push((await recordExperiment(source, small, resolveConfig({ ...small, seed }))).session.id);
});

it('export then import gives back every file of every session', async () => {
  const file = path.join(tmp('arc'), 'two.mtrl');
  const r = mtrl(['sessions', 'export', ...ids, '--out', file], { MTRL_SESSIONS: source.root });
  assert.equal(r.code, 0, r.stderr);
  const target = new SessionStore(tmp('dst'));
  const imported = mtrl(['sessions', 'import', file, '--json'], { MTRL_SESSIONS: target.root });
  assert.equal(imported.code, 0, imported.stderr);
  assert.deepEqual(JSON.parse(imported.stdout).imported.map((i: { id: string }) => i.id).sort(), [...ids].sort());
  for (const id of ids) assert.deepEqual(snapshot(target.dir(id)), snapshot(source.dir(id)));
  // The same archive again: both are kept, the newcomers under new ids; with --skip-existing nothing changes.
  const again = await importArchive(target, file);
  assert.equal(again.imported.length, 2);
  assert.ok(again.imported.every((i) => i.id !== i.from && target.read(i.id).id === i.id));
  const skipped = await importArchive(target, file, { skipExisting: true });
  assert.deepEqual(skipped, { imported: [], skipped: [...ids] });
  assert.equal(target.list().length, 4);
});

/** A crafted archive around one real session, tampered with by `mutate`. */
function crafted(mutate: (entries: CraftedEntry[], index: ReturnType<typeof indexFor>) => { entries: CraftedEntry[]; index?: object } | void): string {
  const id = ids[0];
  const entries: CraftedEntry[] = ['manifest.json', 'metrics.jsonl', 'results.json'].map((f) => ({ name: `sessions/${id}/${f}`, data: fs.readFileSync(path.join(source.dir(id), f)) }));
  const index = indexFor([id], entries);
  const changed = mutate(entries, index) ?? { entries };
  const all = [...changed.entries, { name: 'archive.json', data: Buffer.from(JSON.stringify(changed.index ?? index)) }];
  const file = path.join(tmp('crafted'), 'x.mtrl');
  fs.writeFileSync(file, craftZip(all));
  return file;
}

const refusals: Array<[string, () => string, RegExp, number?]> = [
  ['an absolute path', () => crafted((e) => ({ entries: [...e, { name: '/etc/evil', data: Buffer.from('x') }] })), /absolute path/],
  ['a ".." segment', () => crafted((e) => ({ entries: [...e, { name: `sessions/${ids[0]}/../../evil`, data: Buffer.from('x') }] })), /"\.\." segments/],
  ['a symlink', () => crafted((e) => ({ entries: [...e, { name: `sessions/${ids[0]}/link`, data: Buffer.from('/etc/passwd'), mode: 0o120777 }] })), /symbolic link/],
  ['duplicate names', () => crafted((e) => ({ entries: [...e, { ...e[0] }] })), /duplicate entry/],
  ['a checksum mismatch', () => crafted((e, index) => {
    index.entries[1].sha256 = '0'.repeat(64);
    return { entries: e, index };
  }), /checksum mismatch/],
  ['an unknown archive version', () => crafted((e, index) => ({ entries: e, index: { ...index, version: 7 } })), /archive version 7 is not supported/],
  ['an unknown session schema version', () => crafted((e) => {
    const m = JSON.parse(e[0].data.toString());
    e[0] = { ...e[0], data: Buffer.from(JSON.stringify({ ...m, schemaVersion: 42 })) };
    return { entries: e, index: indexFor([ids[0]], e) };
  }), /schemaVersion 42 is newer/],
  ['a declared size over the limit', () => crafted((e) => ({ entries: e, index: indexFor([ids[0]], e) })), /declared uncompressed size .* exceeds the limit/, 100],
  ['an actual size over the limit (a lying header)', () => crafted((e) => {
    const bomb: CraftedEntry = { name: `sessions/${ids[0]}/bomb.bin`, data: Buffer.alloc(5_000_000), declaredSize: 10 };
    return { entries: [...e, bomb], index: indexFor([ids[0]], [...e, bomb]) };
  }), /exceeds the size limit|corrupt/, 1_000_000],
  ['an entry outside the listed session', () => crafted((e) => {
    const extra = { name: 'sessions/other-id/manifest.json', data: Buffer.from('{}') };
    return { entries: [...e, extra], index: indexFor([ids[0]], [...e, extra]) };
  }), /outside sessions\/<listed id>/],
  ['an unlisted entry', () => crafted((e, index) => ({ entries: [...e, { name: `sessions/${ids[0]}/stowaway`, data: Buffer.from('x') }], index })), /not listed in archive.json/],
  ['not a zip at all', () => {
    const f = path.join(tmp('junk'), 'junk.mtrl');
    fs.writeFileSync(f, 'hello');
    return f;
  }, /not a readable zip archive/],
];

for (const [label, make, message, maxBytes] of refusals) {
  it(`import refuses ${label}, and changes nothing`, async () => {
    const target = new SessionStore(tmp('refuse'));
    await recordExperiment(target, small, resolveConfig(small));
    const before = snapshot(target.root);
    const file = make();
    await assert.rejects(importArchive(target, file, { maxBytes }), (e: Error) => e.name === 'ArchiveRefused' && message.test(e.message));
    assert.deepEqual(snapshot(target.root), before);
    assert.ok(!fs.existsSync(path.join(path.dirname(file), 'evil')) && !fs.existsSync('/etc/evil'));
  });
}

it('the CLI reports a refused archive as bad input without a stack trace', () => {
  const root = tmp('cli-refuse');
  const r = mtrl(['sessions', 'import', refusals[1][1]()], { MTRL_SESSIONS: root });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^mtrl: archive refused: entry .* contains "\." or "\.\." segments\n$/);
  assert.equal(fs.readdirSync(root).length, 0);
});

it('exporting a running session or nothing at all is refused', async () => {
  await assert.rejects(exportArchive(source, [], path.join(tmp('x'), 'a.mtrl')), /at least one session/);
  await source.update(ids[1], (m) => {
    m.status = 'running';
    m.writer = { pid: process.pid, host: os.hostname() };
  });
  await assert.rejects(exportArchive(source, [ids[1]], path.join(tmp('x'), 'a.mtrl')), /still running/);
  await source.update(ids[1], (m) => {
    m.status = 'completed';
    m.writer = null;
  });
});
