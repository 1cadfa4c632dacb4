/** Stable error codes of the models package. */
export type ModelsErrorCode =
  | 'SL_MODELS_INVALID_OPTION'
  | 'SL_MANIFEST_NOT_FOUND'
  | 'SL_MANIFEST_INVALID'
  | 'SL_MODEL_FILE_NOT_FOUND'
  | 'SL_MODEL_SHA_MISMATCH'
  | 'SL_MODEL_GRAPH_INVALID'
  | 'SL_BACKBONE_INVALID'
  | 'SL_BACKBONE_NOT_FOUND'
  | 'SL_DATASET_INVALID'
  | 'SL_IMAGE_INVALID'
  | 'SL_SIGNATURE_INVALID'
  | 'SL_KEY_INVALID'
  | 'SL_IMPORT_UNSUPPORTED'
  | 'SL_BUNDLE_INVALID'
  | 'SL_BUNDLE_UNTRUSTED'
  | 'SL_BUNDLE_EXPIRED'
  | 'SL_ROLLBACK_INVALID';

export interface ManifestIssue {
  /** JSON path of the offending key, e.g. `input.shape[1]`; empty for the whole document. */
  path: string;
  message: string;
}

export class ModelsError extends Error {
  override readonly name = 'ModelsError';
  constructor(
    readonly code: ModelsErrorCode,
    message: string,
    readonly issues: readonly ManifestIssue[] = [],
  ) {
    super(message);
  }
}
