/**
 * 'ws' in the web page's bundle: the browser's own WebSocket (lib/coinfer/device.ts uses the standard API). The
 * options `ws` takes in Node (maxPayload, perMessageDeflate, ca) have no browser counterpart and are dropped;
 * the browser's WebSocket would read an object there as subprotocols and throw.
 */
export class WebSocket extends globalThis.WebSocket {
  constructor(url: string | URL, _nodeOptions?: object) {
    super(url);
  }
}
