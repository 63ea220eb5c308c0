// Co-inference between an edge device and a server: the wire protocol, the two processes, link shaping and
// emulated device speed.
export {
  PROTOCOL_VERSION,
  REQUEST_MAGIC,
  MAX_HEADER_BYTES,
  REQUEST_MODES,
  PROTOCOL_ERROR_CODES,
  ProtocolError,
  encodeRequest,
  decodeRequest,
  decodeReply,
} from './protocol';
export type {
  RequestMode,
  RequestHeader,
  ProtocolRequest,
  ServerTiming,
  SuccessReply,
  ErrorReply,
  ProtocolReply,
  ProtocolErrorCode,
  ExitRule,
  ExitState,
} from './protocol';
export { splitEnds, compressedEnds, wholeModel } from './model-ends';
export type { SplitHead, SplitTail, WholeModel } from './model-ends';
export { LinkShaper, UNSHAPED_LINK, describeLink } from './link';
export type { LinkConfig } from './link';
export { runAtDeviceSpeed, checkSlowdown } from './device-speed';
export { readPredictions } from './predictions';
export { createServer } from './server';
export { DEFAULT_SERVER_LIMITS, serverLimits, maxBodyBytes } from './limits';
export type { ServerLimits } from './limits';
export {
  HELLO_MAX_BYTES,
  challengeMessage,
  checkHello,
  helloMac,
  helloMessage,
  newNonce,
  readChallenge,
  readWelcome,
  sameToken,
  welcomeMessage,
} from './handshake';
export type { ConnectionLimits } from './handshake';
export { FairScheduler } from './scheduler';
export type { ServerOptions, ServerStats, CoinferServer } from './server';
export { createDevice, inferEdgeOnly, CoinferError } from './device';
export type { DeviceOptions, DeviceClient, InferenceMode, InferenceResult, RequestTiming } from './device';
export { summarizeLatencies, nearestRankPercentile, latencyIntervals } from './latency-summary';
export type { LatencySummary, LatencyIntervals } from './latency-summary';
export { buildTestbedModel, buildTestbedBackbone, readTestbedSpec } from './testbed-model';
export type { TestbedModelSpec, TestbedModel } from './testbed-model';
export { startServeProcess } from './serve-process';
export type { ServeProcess } from './serve-process';
export { probeTcShaping, shapingReport } from './shaping';
export type { ShapingReport } from './shaping';
export { writeTestCertificates } from './certificates';
export type { TestCertificates } from './certificates';
export { createNetnsLink, netnsUnavailable } from './netns';
export type { NetnsLink } from './netns';
export { webPageHandler, webBundleError, WEB_BUNDLE } from './web-page';
export type { WebPageOptions, WebModelInfo } from './web-page';
