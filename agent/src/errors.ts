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
  | 'SL_HTTP_FAILED';

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
