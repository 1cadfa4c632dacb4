/** Stable error codes of the agent. Messages say what is wrong and what to do. */
export type AgentErrorCode =
  | 'SL_CONFIG_INVALID'
  | 'SL_CONFIG_UNREADABLE'
  | 'SL_CAMERA_OPEN_FAILED'
  | 'SL_CAMERA_STALLED'
  | 'SL_OPENCV_MISSING'
  | 'SL_MODEL_LOAD_FAILED'
  | 'SL_STATE_DIR'
  | 'SL_RECIPE_UNKNOWN'
  | 'SL_TRIGGER_UNAVAILABLE'
  | 'SL_PLC_FAILED'
  | 'SL_HTTP_FAILED'
  | 'SL_MODEL_DOWNGRADE'
  | 'SL_MODEL_UNKNOWN'
  | 'SL_MODEL_KNOWN_BAD'
  | 'SL_MODEL_MISMATCH'
  | 'SL_BUNDLE_CHUNK_INVALID'
  | 'SL_SELFTEST_FAILED'
  | 'SL_PROBATION_FAILED'
  | 'SL_UPDATE_DISABLED';

export class AgentError extends Error {
  override readonly name = 'AgentError';
  constructor(
    readonly code: AgentErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
