import { dirname, join } from 'node:path';
import type { HubConfig } from '../config/index.ts';
import { type AuthStorage, createFileStorage, createMemoryStorage } from './auth-file.ts';

/** The credentials file for a config: auth.file, else auth.json beside the database; memory for a `:memory:` store. */
export function authFileOf(config: Pick<HubConfig, 'auth' | 'store'>): string | null {
  if (config.auth.file) return config.auth.file;
  return config.store.path === ':memory:' ? null : join(dirname(config.store.path), 'auth.json');
}

export function authStorageFor(config: Pick<HubConfig, 'auth' | 'store'>): AuthStorage {
  const file = authFileOf(config);
  return file ? createFileStorage(file) : createMemoryStorage();
}
