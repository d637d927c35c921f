import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { it } from 'node:test';
import { chromium } from 'playwright-core';
import { mtrl } from './helpers/cli';
import { SessionStore } from '../lab/sessions/store';

const CHROMIUM = '/usr/bin/chromium';

it('the quick reproduction suite supports claims 1–5, reports claim 6, and writes a report whose figures all render', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mtrl-report-'));
  const sessions = fs.mkdtempSync(path.join(os.tmpdir(), 'mtrl-report-sessions-'));
  const r = mtrl(['reproduce', '--quick', '--out', out, '--json', '-q'], { MTRL_SESSIONS: sessions });
  assert.equal(r.code, 0, r.stderr);
  const claims = JSON.parse(r.stdout).claims as Array<{ id: number; supported: boolean; asserted: boolean; explanation: string; sessions: string[] }>;
  assert.deepEqual(claims.map((c) => c.id), [1, 2, 3, 4, 5, 6]);
  for (const c of claims.filter((x) => x.asserted)) assert.equal(c.supported, true, `claim ${c.id}: ${c.explanation}`);
  assert.equal(typeof claims[5].supported, 'boolean');
  assert.equal(claims[5].asserted, false);
  const store = new SessionStore(sessions);
  const recorded = store.list();
  assert.equal(recorded.length, claims.reduce((s, c) => s + c.sessions.length, 0));
  assert.ok(recorded.every((s) => s.tags.includes('reproduce') && s.status === 'completed'));

  const svgs = fs.readdirSync(path.join(out, 'figures')).filter((f) => f.endsWith('.svg'));
  const pngs = fs.readdirSync(path.join(out, 'figures')).filter((f) => f.endsWith('.png'));
  assert.ok(svgs.length >= 9);
  assert.equal(pngs.length, svgs.length);
  for (const p of pngs) assert.deepEqual(fs.readFileSync(path.join(out, 'figures', p)).subarray(0, 8), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    await page.goto(`file://${path.join(out, 'report.html')}`);
    const figures = await page.$$eval('figure', (els) =>
      els.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return { width: box?.width ?? 0, height: box?.height ?? 0, lines: svg?.querySelectorAll('polyline').length ?? 0 };
      }),
    );
    assert.equal(figures.length, svgs.length);
    for (const f of figures) assert.ok(f.width > 100 && f.height > 100 && f.lines > 0, JSON.stringify(f));
    assert.deepEqual(requests.filter((u) => !u.startsWith('file://')), [], 'the report loads nothing from the network');
    const verdicts = await page.$$eval('.verdict', (els) => els.map((e) => e.textContent));
    assert.equal(verdicts.length, 6);
    await page.screenshot({ path: path.join(out, 'report.png'), fullPage: false });
  } finally {
    await browser.close();
  }
});
