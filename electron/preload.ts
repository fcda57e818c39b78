import { contextBridge, ipcRenderer } from 'electron';
import { buildPreloadApi } from './preload-api';

// The only file in the renderer's process that touches ipcRenderer; it exposes the contract's
// named requests and events, never ipcRenderer itself or a generic send.
contextBridge.exposeInMainWorld('hotline', buildPreloadApi(ipcRenderer));
