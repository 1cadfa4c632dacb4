/** Why a call to the hub failed; `code` is stable, `message` says what to do. */
export type ApiErrorCode =
  | 'SL_HUB_UNREACHABLE'
  | 'SL_HUB_TIMEOUT'
  | 'SL_HUB_HTTP'
  | 'SL_HUB_BAD_RESPONSE'
  | 'SL_AUTH_REQUIRED'
  | 'SL_FORBIDDEN';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode | (string & {}),
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}
