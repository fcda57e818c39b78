export { SoftphoneService, type SoftphoneDeps } from "./softphone-service.js";
export {
  NullMediaBridge,
  answerDirection,
  webrtcOfferProblem,
  type OfferProblem,
  sdpDirection,
  type MediaBridge,
  type MediaBridgeFactory,
  type SdpDirection,
} from "./media-bridge.js";
export { describeRegisterFailure } from "./registration.js";
export * from "./types.js";
