// Sandboxed preload: the only bridge between the page and the main process, exposing one typed API.
// Written as a plain script (no import/export), since a sandboxed preload gets `require` but no module system.
const { contextBridge, ipcRenderer } = require('electron') as typeof import('electron');

const listeners = new Map<string, Set<(payload: unknown) => void>>();
ipcRenderer.on('mtrl:event', (_e: unknown, name: string, payload: unknown) => listeners.get(name)?.forEach((fn) => fn(payload)));

const request = (channel: string, payload?: unknown) => ipcRenderer.invoke('mtrl:request', channel, payload ?? {});

contextBridge.exposeInMainWorld('mtrl', {
  mode: 'desktop',
  request,
  on(event: string, handler: (payload: unknown) => void) {
    if (!listeners.has(event)) listeners.set(event, new Set());
    listeners.get(event)!.add(handler);
    return () => listeners.get(event)?.delete(handler);
  },
  exportSessions: (ids: string[]) => request('sessions:export', { ids }),
  importArchive: () => request('sessions:import', {}),
  openReport: (path: string) => ipcRenderer.invoke('mtrl:open-report', path),
  reportUrl: () => null,
});
