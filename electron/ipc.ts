import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { errorPayload } from '../lab/api/contract';
import { dispatch, TransportHooks } from '../lab/api/dispatch';
import type { LabService } from '../lab/api/service';

export const REQUEST_CHANNEL = 'mtrl:request';
export const EVENT_CHANNEL = 'mtrl:event';
export const APP_ORIGIN = 'app://lab';

/** Only our own page, loaded from our own protocol, may call the lab. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const url = event.senderFrame?.url ?? '';
  return url === `${APP_ORIGIN}/` || url.startsWith(`${APP_ORIGIN}/`);
}

/**
 * One invoke channel carrying the typed API; every payload is validated by the contract the browser mode
 * uses too. Errors cross the bridge as JSON so the renderer gets the field-level issues, not a stack.
 */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, service: LabService, hooks: TransportHooks, trusted = isTrustedSender): () => void {
  ipcMain.handle(REQUEST_CHANNEL, async (event, channel: unknown, payload: unknown) => {
    if (!trusted(event)) throw new Error(JSON.stringify({ message: 'request refused: it does not come from the MTRL Lab window' }));
    try {
      return await dispatch(service, hooks, channel, payload);
    } catch (e) {
      throw new Error(JSON.stringify(errorPayload(e)));
    }
  });
  return () => ipcMain.removeHandler(REQUEST_CHANNEL);
}
