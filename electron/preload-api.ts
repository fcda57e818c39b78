import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { eventNames, requestNames, type EventName, type RequestName } from '../shared/contract';
import { EVENT_CHANNEL, RPC_CHANNEL } from './rpc/channels';

type IpcRendererLike = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

/** What `window.hotline` holds: one function per contract request, and a subscriber per event. */
export interface PreloadApi {
  requests: Record<RequestName, (input: unknown) => Promise<unknown>>;
  on(name: EventName, listener: (payload: unknown) => void): () => void;
}

/** Built from the contract's name lists, so a request missing from the contract cannot be sent. */
export function buildPreloadApi(ipc: IpcRendererLike): PreloadApi {
  const requests = Object.fromEntries(
    requestNames.map((name) => [name, (input: unknown) => ipc.invoke(RPC_CHANNEL, name, input)]),
  ) as PreloadApi['requests'];
  const allowed = new Set<string>(eventNames);
  return {
    requests,
    on(name, listener) {
      if (!allowed.has(name)) throw new Error(`unknown event ${String(name)}`);
      const wrapped = (_e: IpcRendererEvent, n: string, payload: unknown) => {
        if (n === name) listener(payload);
      };
      ipc.on(EVENT_CHANNEL, wrapped);
      return () => ipc.removeListener(EVENT_CHANNEL, wrapped);
    },
  };
}
