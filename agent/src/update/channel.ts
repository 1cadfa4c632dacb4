/**
 * What model updates need from the MQTT session: subscriptions to bundle topics (sl/v1/models/…), their
 * messages, and a call on every (re)connect (a clean session forgets subscriptions).
 */
export interface BundleChannel {
  subscribe(topics: readonly string[]): Promise<void>;
  unsubscribe(topics: readonly string[]): Promise<void>;
  /** Every message on a bundle topic; returns a function that stops the handler. */
  onMessage(handler: (topic: string, payload: Uint8Array) => void): () => void;
  /** After every (re)connect; returns a function that stops the handler. */
  onConnect(handler: () => void): () => void;
}
