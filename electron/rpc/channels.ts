/** The only channels between the preload and main: one for requests, one for events. */
export const RPC_CHANNEL = 'hotline:rpc';
export const EVENT_CHANNEL = 'hotline:event';
