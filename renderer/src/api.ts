/** The one way the interface reaches the lab: Electron's preload bridge, or the browser mode's WebSocket. */
import type { Channel, ChannelResults, EventPayloads } from '../../lab/api/contract';

/** The lab's events, and the desktop menu's choice of screen. */
export type UiEvents = EventPayloads & { menu: string };

export interface LabError {
  message: string;
  issues?: Array<{ path: string; message: string }>;
}

export class ApiError extends Error {
  constructor(readonly detail: LabError) {
    super(detail.message);
  }
}

export interface MtrlApi {
  request<C extends Channel>(channel: C, payload?: unknown): Promise<ChannelResults[C]>;
  on<E extends keyof UiEvents>(event: E, handler: (payload: UiEvents[E]) => void): () => void;
  /** Exports sessions: a save dialog in the app, a download in a browser. */
  exportSessions(ids: string[]): Promise<unknown>;
  /** Imports an archive: an open dialog in the app, a file picker and upload in a browser. */
  importArchive(): Promise<{ imported: Array<{ id: string; from: string }>; skipped: string[] } | null>;
  reportUrl(path: string): string | null;
  openReport(path: string): Promise<void>;
  readonly mode: 'desktop' | 'browser';
}

declare global {
  interface Window {
    mtrl?: Omit<MtrlApi, 'mode'> & { mode?: 'desktop' };
  }
}

function browserApi(): MtrlApi {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const listeners = new Map<string, Set<(p: any) => void>>();
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  let next = 1;
  let socket: WebSocket;
  let ready: Promise<void>;
  const connect = () => {
    socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api?token=${encodeURIComponent(token)}`);
    ready = new Promise((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new ApiError({ message: 'cannot reach the lab server (is mtrl serve still running, and is the token right?)' }));
    });
    socket.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      if (msg.event) listeners.get(msg.event)?.forEach((fn) => fn(msg.payload));
      else {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.ok) p?.resolve(msg.result);
        else p?.reject(new ApiError(msg.error));
      }
    };
    socket.onclose = () => {
      for (const p of pending.values()) p.reject(new ApiError({ message: 'connection to the lab server closed' }));
      pending.clear();
      setTimeout(connect, 1000);
    };
  };
  connect();
  const api: MtrlApi = {
    mode: 'browser',
    async request(channel, payload) {
      await ready;
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        socket.send(JSON.stringify({ id, channel, payload }));
      });
    },
    on(event, handler) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(handler);
      return () => listeners.get(event)!.delete(handler);
    },
    async exportSessions(ids) {
      const r = await api.request('sessions:export', { ids });
      if (!r?.url || !r.name) throw new ApiError({ message: 'the lab server gave no download for the archive' });
      const a = document.createElement('a');
      a.href = r.url;
      a.download = r.name;
      document.body.append(a);
      a.click();
      a.remove();
      return r;
    },
    importArchive() {
      return new Promise((resolve, reject) => {
        const input = document.createElement('input');
        input.type = 'file';
        input.accept = '.mtrl,application/zip';
        input.setAttribute('data-testid', 'import-file');
        input.style.display = 'none';
        input.onchange = async () => {
          const file = input.files?.[0];
          input.remove();
          if (!file) return resolve(null);
          const res = await fetch('/upload', { method: 'POST', body: file });
          const body = await res.json();
          if (res.ok) resolve(body);
          else reject(new ApiError(body));
        };
        document.body.append(input);
        input.click();
      });
    },
    reportUrl: (p) => {
      const i = p.replace(/\\/g, '/').lastIndexOf('/reports/');
      return i >= 0 ? p.replace(/\\/g, '/').slice(i) : null;
    },
    async openReport(p) {
      const url = api.reportUrl(p);
      if (url) window.open(url, '_blank', 'noopener');
    },
  };
  return api;
}

function desktopApi(bridge: NonNullable<Window['mtrl']>): MtrlApi {
  const wrap = async <T>(p: Promise<T>) => {
    try {
      return await p;
    } catch (e) {
      const text = (e as Error).message ?? String(e);
      const json = /\{.*\}$/s.exec(text)?.[0];
      throw new ApiError(json ? JSON.parse(json) : { message: text });
    }
  };
  return {
    mode: 'desktop',
    request: (c, p) => wrap(bridge.request(c, p)),
    on: (e, h) => bridge.on(e, h),
    exportSessions: (ids) => wrap(bridge.exportSessions(ids)),
    importArchive: () => wrap(bridge.importArchive()),
    reportUrl: () => null,
    openReport: (p) => wrap(bridge.openReport(p)),
  };
}

export const api: MtrlApi = window.mtrl ? desktopApi(window.mtrl) : browserApi();
