import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { Connection, RequestRouter } from './dispatcher';
import { uuidv7 } from '../util/ids';
import { EVENT_CHANNEL, RPC_CHANNEL } from './channels';

type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler'>;

/**
 * Binds the dispatcher to Electron IPC (the only file in main that touches ipcMain). A request is
 * served only when it comes from the app's own top frame, so an iframe or a navigated page (both
 * blocked elsewhere, too) cannot use the contract.
 */
export interface ElectronBindingOptions {
  /**
   * For the hidden media window: the webContents whose signed-in session it shares. The media
   * window never signs in itself; it acts for the user of the main window.
   */
  sessionOwner?: (senderId: number) => number | undefined;
}

export async function bindElectronIpc(dispatcher: RequestRouter, isAppUrl: (url: string) => boolean, ipc?: IpcMainLike, opts: ElectronBindingOptions = {}) {
  // Loaded here, not at the top, so tests can bind a stand-in without the Electron runtime.
  const ipcMain: IpcMainLike = ipc ?? (await import('electron')).ipcMain;
  const connections = new Map<number, Connection>();

  const connectionFor = (sender: WebContents): Connection => {
    let c = connections.get(sender.id);
    if (!c) {
      let own: Connection['session'] = null;
      const conn: Connection = {
        id: uuidv7(),
        get session() {
          const ownerId = opts.sessionOwner?.(sender.id);
          return ownerId === undefined ? own : connections.get(ownerId)?.session ?? null;
        },
        set session(s) { own = s; },
        send: (name, payload) => {
          if (!sender.isDestroyed()) sender.send(EVENT_CHANNEL, name, payload);
        },
      };
      connections.set(sender.id, conn);
      dispatcher.attach(conn);
      sender.once('destroyed', () => {
        connections.delete(sender.id);
        dispatcher.detach(conn.id);
      });
      c = conn;
    }
    return c;
  };

  ipcMain.handle(RPC_CHANNEL, async (event: IpcMainInvokeEvent, name: unknown, input: unknown) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isAppUrl(frame.url)) {
      return { ok: false, error: { code: 'forbidden' } };
    }
    return dispatcher.dispatch(connectionFor(event.sender), name, input);
  });

  return { dispose: () => ipcMain.removeHandler(RPC_CHANNEL) };
}
