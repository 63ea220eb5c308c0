/** 'ws' in the web page's bundle: the browser's own WebSocket (lib/coinfer/device.ts uses only the standard API). */
export const WebSocket = globalThis.WebSocket;
