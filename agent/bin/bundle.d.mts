/** Writes `code` to the temp dir under a content-hashed name (once); returns the file's path. */
export function writeCached(name: string, code: Uint8Array): Promise<string>;
/** The agent CLI bundled into one plain-JS file in the temp dir; returns its path. */
export function agentBundle(): Promise<string>;
