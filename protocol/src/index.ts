export * from './api.ts';
export * from './api-auth.ts';
export * from './codec.ts';
export * from './errors.ts';
export * from './messages.ts';
export * from './topics.ts';
