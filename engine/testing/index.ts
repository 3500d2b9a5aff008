/**
 * Parley's test doubles, published as `parley/testing`: the fake OpenAI
 * Realtime server, the Twilio call simulator and the conversation script they
 * share, the fake Twilio REST API, and the connector test kit.
 */
export * from './connector-test-kit.js';
export * from './conversation-script.js';
export * from './event-log.js';
export * from './fake-realtime-server.js';
export * from './fake-twilio-rest.js';
export type { FakeSessionObject } from './fake-session-config.js';
export type { StoredItem } from './fake-conversation.js';
export * from './twilio-call-simulator.js';
export { PlaybackBuffer } from './playback-buffer.js';
export * from './twilio-wire.js';
