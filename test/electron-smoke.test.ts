/// <reference lib="dom" />
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { it } from 'node:test';
import { _electron as electron } from 'playwright-core';
import { ROOT } from './helpers/cli';

/** The Electron binary is downloaded by electron's install script, which machines without that network skip. */
function electronBinary(): string | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const p = require('electron') as unknown as string;
    return typeof p === 'string' && fs.existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const display = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const skip = !binary
  ? 'the Electron binary is not installed here (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or its download failed)'
  : !display
    ? 'no display to open a window on (run under xvfb-run)'
    : false;

it('the desktop app starts, shows the designer and answers through the preload bridge', { skip }, async () => {
  const sessions = fs.mkdtempSync(path.join(os.tmpdir(), 'mtrl-electron-'));
  const app = await electron.launch({ executablePath: binary!, args: [ROOT], env: { ...process.env, MTRL_SESSIONS: sessions } });
  try {
    const page = await app.firstWindow();
    await page.getByRole('heading', { name: 'Design an experiment' }).waitFor({ timeout: 30000 });
    assert.equal(await page.title(), 'MTRL Lab');
    assert.equal(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require), 'undefined', 'no Node in the renderer');
    const info = await page.evaluate(() => (window as unknown as { mtrl: { request(c: string): Promise<{ app: string }> } }).mtrl.request('lab:info'));
    assert.equal(typeof info.app, 'string');
  } finally {
    await app.close();
  }
});
