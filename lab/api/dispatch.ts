import { Channel, ChannelResults, isChannel, RequestError, validate } from './contract';
import type { LabService } from './service';

/** What differs between transports: where archives come from and go to (native dialogs vs HTTP downloads). */
export interface TransportHooks {
  exportArchive(ids: string[]): Promise<ChannelResults['sessions:export']>;
  importArchive(): Promise<ChannelResults['sessions:import']>;
}

/** Validates the channel and payload, then calls the service. The single entry point of both transports. */
export async function dispatch(service: LabService, hooks: TransportHooks, channel: unknown, payload: unknown): Promise<unknown> {
  if (!isChannel(channel)) throw new RequestError('channel', `unknown channel ${JSON.stringify(channel)}`);
  const c: Channel = channel;
  switch (c) {
    case 'lab:info':
      validate(c, payload);
      return service.info();
    case 'config:validate':
      return service.validateConfig(validate(c, payload));
    case 'runs:start':
      return service.startRun(validate(c, payload));
    case 'runs:cancel':
      return service.cancel(validate(c, payload));
    case 'runs:list':
      validate(c, payload);
      return service.activeRuns();
    case 'sessions:list':
      return service.listSessions(validate(c, payload));
    case 'sessions:get':
      return service.getSession(validate(c, payload));
    case 'sessions:representation':
      return service.representation(validate(c, payload));
    case 'sessions:update':
      return service.updateSession(validate(c, payload));
    case 'sessions:delete':
      return service.deleteSession(validate(c, payload));
    case 'sessions:export':
      return hooks.exportArchive(validate(c, payload).ids);
    case 'sessions:import':
      validate(c, payload);
      return hooks.importArchive();
    case 'reproduce:start':
      return service.startReproduce(validate(c, payload));
  }
}
