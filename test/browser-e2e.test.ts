/// <reference lib="dom" />
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, it } from 'node:test';
import { chromium, Browser, Page } from 'playwright-core';
import { mtrlAsync, ROOT } from './helpers/cli';

// A person's session in the browser mode, in Debian's Chromium: screenshots of each screen land in test-artifacts/e2e.
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'e2e');
let browser: Browser;
let page: Page;
let server: ReturnType<typeof mtrlAsync>;
let url = '';
const pageErrors: string[] = [];

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const sessions = fs.mkdtempSync(path.join(os.tmpdir(), 'mtrl-e2e-'));
  server = mtrlAsync(['serve', '--port', '0', '--sessions', sessions]);
  for (let t = 0; t < 200 && !url; t++) {
    url = /http:\/\/\S+/.exec(server.output().stdout)?.[0] ?? '';
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(url, `mtrl serve printed no URL: ${server.output().stderr}`);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  page = await browser.newPage({ viewport: { width: 1360, height: 1000 }, acceptDownloads: true });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  assert.deepEqual(pageErrors, [], 'the page threw no errors');
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.done;
});

const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
const tab = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: new RegExp(`^${name}`) }).click();

async function design(name: string, rounds: number) {
  await tab('Designer');
  await page.getByLabel('Preset').selectOption('quick');
  await page.locator('#f-pretrain-rounds').fill(String(rounds));
  await page.locator('#f-pretrain-logEvery').fill('20');
  await page.getByLabel('Session name').fill(name);
  await page.getByTestId('start-run').click({ timeout: 5000 });
}

it('designs an experiment, fixing a validation error on the way, and watches it run', async () => {
  await page.goto(url);
  await page.getByRole('heading', { name: 'Design an experiment' }).waitFor();
  await page.getByLabel('Preset').selectOption('quick');
  await page.locator('#f-data-r').fill('40');
  const error = page.locator('#f-data-r-error');
  await error.waitFor();
  assert.match(await error.innerText(), /must be less than data\.d \(32\); got 40/);
  assert.equal(await page.getByTestId('start-run').isDisabled(), true);
  await shot('1-designer-validation-error');
  await page.locator('#f-data-r').fill('3');
  await error.waitFor({ state: 'detached' });
  assert.match(await page.getByTestId('cli-command').innerText(), /--set data\.r=3/);
  assert.match(await page.getByTestId('estimate').innerText(), /1 run/);

  await design('first run', 3000);
  const progress = page.getByLabel('Progress of first run');
  await progress.waitFor();
  await page.waitForFunction(() => Number((document.querySelector('progress') as HTMLProgressElement | null)?.value ?? 0) > 0.05);
  const plotPoints = () => page.locator('.live-charts .plot').first().getAttribute('data-points').then(Number);
  const early = await plotPoints();
  await page.waitForFunction((n) => Number(document.querySelector('.live-charts .plot')?.getAttribute('data-points') ?? 0) > n, early, { timeout: 60000 });
  assert.ok((await page.locator('.live-charts canvas').count()) >= 3, 'live uPlot charts are drawn');
  await shot('2-run-monitor');
  const finished = page.getByRole('listitem').filter({ hasText: /^\s*\w+\s+first run\b/ });
  await finished.waitFor({ timeout: 120000 });
  assert.match(await finished.innerText(), /^\s*completed\s+first run/);
});

it("shows a sweep's aggregate curve filling in as its runs finish", async () => {
  await tab('Designer');
  await page.getByLabel('Preset').selectOption('quick');
  await page.locator('#f-pretrain-rounds').fill('600');
  // A measurement every round floods the page with events: it must keep up all the same.
  await page.locator('#f-pretrain-logEvery').fill('1');
  await page.getByRole('button', { name: 'Add swept key' }).click();
  await page.getByLabel('Swept key 1', { exact: true }).selectOption('pretrain.T');
  await page.getByLabel('Values of swept key 1', { exact: true }).fill('2, 8, 32');
  await page.getByLabel('Seeds per swept value').fill('2');
  await page.getByTestId('estimate').filter({ hasText: '6 runs' }).waitFor();
  await page.getByLabel('Session name').fill('sweep');
  await page.getByTestId('start-run').click();
  const aggregate = page.getByRole('figure', { name: 'sinθ versus pretrain.T (finished runs)' });
  await aggregate.waitFor({ timeout: 60000 });
  await page.waitForFunction(() => Number(document.querySelector('[aria-label="sinθ versus pretrain.T (finished runs)"] .plot')?.getAttribute('data-points') ?? 0) >= 2, null, { timeout: 60000 });
  await shot('3a-sweep-aggregate');
  const finished = page.getByRole('listitem').filter({ hasText: /^\s*\w+\s+sweep\b/ });
  await finished.waitFor({ timeout: 120000 });
  assert.match(await finished.innerText(), /^\s*completed\s+sweep/);
});

it('cancels a run', async () => {
  await design('to cancel', 100000);
  await page.getByLabel('Progress of to cancel').waitFor();
  await page.waitForFunction(() => Array.from(document.querySelectorAll('progress')).some((p) => p.value > 0));
  await page.getByRole('button', { name: 'Cancel to cancel' }).click();
  await page.locator('li', { hasText: 'cancelled' }).first().waitFor({ timeout: 30000 });
  await shot('3-run-cancelled');
});

it('opens the finished session from the library, with results and the representation view', async () => {
  await tab('Library');
  await page.getByTestId('session-row').nth(2).waitFor();
  assert.equal(await page.getByTestId('session-row').count(), 3);
  await page.getByRole('button', { name: 'first run', exact: true }).click();
  await page.getByRole('table', { name: 'Run results' }).waitFor();
  await page.getByTestId('angles').waitFor();
  assert.match(await page.getByTestId('angles').innerText(), /°/);
  assert.ok((await page.locator('figure.scatter svg').count()) >= 2);
  await page.getByLabel('Session notes').fill('looks right');
  await page.getByTestId('save-session').click();
  await page.getByText('saved').waitFor();
  await shot('4-session');
});

it('compares two sessions', async () => {
  await page.getByRole('button', { name: '← Library' }).click();
  await page.getByLabel('Select first run').check();
  await page.getByLabel('Select to cancel').check();
  await page.getByTestId('compare').click();
  await page.getByTestId('compare-row').nth(1).waitFor();
  assert.equal(await page.getByTestId('compare-row').count(), 2);
  await page.locator('.plot canvas').first().waitFor();
  await shot('5-compare');
});

it('exports an archive, imports it back, and finds everything after a reload', async () => {
  await page.getByRole('button', { name: '← Library' }).click();
  await page.getByLabel('Select first run').check();
  await page.getByLabel('Select to cancel').check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  const archive = path.join(ARTIFACTS, 'sessions.mtrl');
  await download.saveAs(archive);
  assert.ok(fs.statSync(archive).size > 1000);
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('import').click()]);
  await chooser.setFiles(archive);
  await page.getByText('imported 2 sessions').waitFor();
  await page.getByTestId('session-row').nth(4).waitFor();
  await shot('6-library-after-import');
  await page.reload();
  await tab('Library');
  await page.getByTestId('session-row').nth(4).waitFor();
  assert.equal(await page.getByTestId('session-row').count(), 5);
  assert.equal(await page.getByRole('button', { name: 'first run', exact: true }).count(), 2);
  await page.getByRole('button', { name: 'first run', exact: true }).first().click();
  assert.equal(await page.getByLabel('Session notes').inputValue(), 'looks right');
  await tab('Reproduce the paper');
  await shot('7-reproduce-screen');
});

it('runs a claim of the paper from the Reproduce screen and opens its report', async () => {
  await tab('Reproduce the paper');
  await page.getByLabel(/Recovery improves/).check();
  await page.getByRole('button', { name: 'Run the suite' }).click();
  await page.getByRole('list', { name: 'Claim verdicts' }).getByText('supported').waitFor({ timeout: 180000 });
  const open = page.getByRole('button', { name: 'Open the report' });
  await open.waitFor({ timeout: 60000 });
  await shot('8-reproduce-done');
  const [report] = await Promise.all([page.context().waitForEvent('page'), open.click()]);
  await report.waitForLoadState();
  assert.equal(await report.title(), 'MTRL Lab — paper reproduction report');
  assert.equal(await report.locator('figure svg').count(), 2);
  await report.close();
});
