import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, session, shell } from 'electron';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LabService } from '../lab/api/service';
import { listBackends } from '../lab/backends/registry';
import { APP_ORIGIN, EVENT_CHANNEL, isTrustedSender, registerIpc } from './ipc';
import { utilityWorker } from './utility-host';
import { loadBounds, saveBounds } from './window-state';

const RENDERER = path.join(__dirname, '..', 'renderer');
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'none'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) app.quit();

let win: BrowserWindow | null = null;
let service: LabService;

function createWindow(): void {
  const stateDir = app.getPath('userData');
  const bounds = loadBounds(stateDir);
  win = new BrowserWindow({
    ...bounds,
    title: 'MTRL Lab',
    show: false,
    webPreferences: { preload: path.join(__dirname, 'preload.js'), contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false },
  });
  if (bounds.maximized) win.maximize();
  win.once('ready-to-show', () => win?.show());
  win.on('close', () => win && saveBounds(stateDir, { ...win.getNormalBounds(), maximized: win.isMaximized() }));
  win.on('closed', () => (win = null));
  // No navigation away from the app and no new windows: links to reports go to the OS.
  win.webContents.on('will-navigate', (e, url) => {
    if (!url.startsWith(APP_ORIGIN)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  void win.loadURL(`${APP_ORIGIN}/index.html`);
}

function serveRenderer(): void {
  protocol.handle('app', (request) => {
    const url = new URL(request.url);
    const file = path.resolve(RENDERER, `.${path.posix.normalize(decodeURIComponent(url.pathname))}`);
    if (url.host !== 'lab' || !file.startsWith(RENDERER + path.sep) || !fs.existsSync(file)) return new Response('not found', { status: 404 });
    return new Response(fs.readFileSync(file), { headers: { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': CSP } });
  });
}

function lockDownSessions(): void {
  const s = session.defaultSession;
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  s.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !/^(app|devtools|blob|data):/.test(details.url) }));
}

async function showAbout(): Promise<void> {
  const backends = await listBackends();
  const lines = backends.map((b) => `${b.name}: ${b.available ? 'available' : 'unavailable'} — ${b.reason}`);
  await dialog.showMessageBox({ type: 'info', title: 'About MTRL Lab', message: `MTRL Lab ${app.getVersion()}`, detail: [`Electron ${process.versions.electron}, Node ${process.versions.node}`, `Sessions: ${service.sessionsRoot}`, '', ...lines].join('\n') });
}

function buildMenu(): void {
  const send = (name: string) => win?.webContents.send(EVENT_CHANNEL, 'menu', name);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      {
        label: 'File',
        submenu: [
          { label: 'New Experiment', accelerator: 'CmdOrCtrl+N', click: () => send('design') },
          { label: 'Open / Import Archive…', accelerator: 'CmdOrCtrl+O', click: () => void importHook().then(() => send('library')) },
          { label: 'Export Sessions…', accelerator: 'CmdOrCtrl+E', click: () => send('library') },
          { label: 'Reveal Sessions Folder', click: () => void shell.openPath(service.sessionsRoot) },
          { type: 'separator' },
          { role: 'quit' },
        ],
      },
      { role: 'editMenu' },
      { role: 'viewMenu' },
      { label: 'Help', submenu: [{ label: 'About MTRL Lab', click: () => void showAbout() }] },
    ]),
  );
}

async function exportHook(ids: string[]) {
  const r = await dialog.showSaveDialog(win!, { title: 'Export sessions', defaultPath: `mtrl-sessions-${ids.length}.mtrl`, filters: [{ name: 'MTRL archive', extensions: ['mtrl'] }] });
  if (r.canceled || !r.filePath) return null;
  return service.exportTo(ids, r.filePath);
}

async function importHook() {
  const r = await dialog.showOpenDialog(win!, { title: 'Import sessions', properties: ['openFile'], filters: [{ name: 'MTRL archive', extensions: ['mtrl', 'zip'] }] });
  if (r.canceled || r.filePaths.length === 0) return null;
  return service.importFrom(r.filePaths[0]);
}

/** Taskbar/dock progress while runs are active, and a notification when a long one ends. */
function mirrorProgress(): void {
  const started = new Map<string, number>();
  service.onEvent((e) => {
    win?.webContents.send(EVENT_CHANNEL, e.name, e.payload);
    if (e.name === 'run:progress' || e.name === 'reproduce:progress') {
      if (!started.has(e.payload.key)) started.set(e.payload.key, Date.now());
      win?.setProgressBar(e.payload.fraction);
    }
    if (e.name === 'run:done' || e.name === 'reproduce:done') {
      const t0 = started.get(e.payload.key);
      started.delete(e.payload.key);
      if (started.size === 0) win?.setProgressBar(-1);
      if (t0 && Date.now() - t0 > 30000 && Notification.isSupported())
        new Notification({ title: 'MTRL Lab', body: `${e.payload.name || e.payload.sessionId || 'A run'} ended: ${e.payload.status}` }).show();
    }
  });
}

app.on('second-instance', () => {
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});

app.whenReady().then(() => {
  const root = process.env.MTRL_SESSIONS ? path.resolve(process.env.MTRL_SESSIONS) : path.join(app.getPath('userData'), 'sessions');
  const concurrency = Math.max(1, Number(process.env.MTRL_CONCURRENCY ?? 1) || 1);
  service = new LabService(root, utilityWorker, concurrency);
  serveRenderer();
  lockDownSessions();
  registerIpc(ipcMain, service, { exportArchive: exportHook, importArchive: importHook });
  ipcMain.handle('mtrl:open-report', async (event, file: unknown) => {
    if (!isTrustedSender(event) || typeof file !== 'string' || !path.resolve(file).startsWith(path.join(path.dirname(root), 'reports'))) throw new Error('refused: not a report of this lab');
    await shell.openPath(file);
  });
  mirrorProgress();
  buildMenu();
  createWindow();
  app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && createWindow());
});

app.on('window-all-closed', () => {
  service?.dispose();
  if (process.platform !== 'darwin') app.quit();
});
