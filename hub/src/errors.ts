/** Stable error codes of the hub. Messages say what is wrong and what to do. */
export type HubErrorCode =
  | 'SL_CONFIG_INVALID'
  | 'SL_CONFIG_UNREADABLE'
  | 'SL_QUERY_INVALID'
  | 'SL_BROKER_LISTEN_FAILED'
  | 'SL_HTTP_LISTEN_FAILED'
  | 'SL_STORE_OPEN_FAILED'
  | 'SL_STORE_SCHEMA_TOO_NEW'
  | 'SL_STORE_UNAVAILABLE'
  | 'SL_STORE_REJECTED'
  | 'SL_QUERY_TIMEOUT'
  | 'SL_STORE_CLOSED'
  | 'SL_NOT_FOUND'
  | 'SL_CONFLICT'
  | 'SL_SAMPLES_OPEN_FAILED'
  | 'SL_EXPORT_BUSY'
  | 'SL_EXPORT_TIMEOUT'
  | 'SL_REQUEST_INVALID'
  | 'SL_MODEL_NOT_FOUND'
  | 'SL_BUNDLE_REJECTED'
  | 'SL_ROLLOUT_NOT_FOUND'
  | 'SL_ROLLOUT_CONFLICT'
  | 'SL_ROLLOUT_INVALID'
  | 'SL_ROLLOUT_KEY'
  | 'SL_AUTH_FILE_INVALID'
  | 'SL_AUTH_FILE_LOCKED'
  | 'SL_AUTH_UNKNOWN'
  | 'SL_AUTH_EXISTS'
  | 'SL_AUTH_INVALID';

export class HubError extends Error {
  override readonly name: string = 'HubError';
  constructor(
    readonly code: HubErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Invalid or unreadable hub configuration; the message names the key path and a right value. */
export class ConfigError extends HubError {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    options?: { cause?: unknown; code?: 'SL_CONFIG_INVALID' | 'SL_CONFIG_UNREADABLE' },
  ) {
    super(options?.code ?? 'SL_CONFIG_INVALID', message, options);
  }
}

/** A bad HTTP query parameter; answered as 400 with this code and message. */
export class QueryError extends HubError {
  override readonly name = 'QueryError';
  constructor(message: string) {
    super('SL_QUERY_INVALID', message);
  }
}

/**
 * The store cannot write now (disk full, I/O error): nothing is acknowledged, the sender keeps the message
 * and sends it again. The hub retries by itself and reports it in /api/health meanwhile.
 */
export class StoreUnavailableError extends HubError {
  override readonly name = 'StoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('SL_STORE_UNAVAILABLE', message, options);
  }
}

/** The store refused this one write while others went through (it cannot be stored); dead-letter it. */
export class StoreRejectedError extends HubError {
  override readonly name = 'StoreRejectedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('SL_STORE_REJECTED', message, options);
  }
}

/** A read query ran past its time limit and was interrupted; answered as 503 so a client can retry. */
export class QueryTimeoutError extends HubError {
  override readonly name = 'QueryTimeoutError';
  constructor(message: string) {
    super('SL_QUERY_TIMEOUT', message);
  }
}

/** The thing a request names does not exist (answered 404). */
export class NotFoundError extends HubError {
  override readonly name = 'NotFoundError';
  constructor(message: string) {
    super('SL_NOT_FOUND', message);
  }
}

/** The request cannot be done in the current state, e.g. go-live on a line that is live (answered 409). */
export class ConflictError extends HubError {
  override readonly name = 'ConflictError';
  constructor(message: string) {
    super('SL_CONFLICT', message);
  }
}
