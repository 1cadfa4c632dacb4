/** Publishing to agents (hub state, desired state, model bundles): the embedded broker, or an external one. */
export interface Downlink {
  publish(topic: string, payload: string | Buffer, options: { qos: 0 | 1; retain: boolean }): Promise<void>;
}
