/** Stable error codes of the wire contract. */
export type ProtocolErrorCode =
  | 'SL_TOPIC_INVALID'
  | 'SL_PAYLOAD_TOO_LARGE'
  | 'SL_PAYLOAD_TOO_DEEP'
  | 'SL_PAYLOAD_NOT_JSON'
  | 'SL_PAYLOAD_INVALID';

export interface FieldIssue {
  /** Dotted path to the field, e.g. `results[3].score`; empty for the whole payload. */
  path: string;
  message: string;
}

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
  }
}
