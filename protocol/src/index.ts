export * from './api.ts';
export * from './codec.ts';
export * from './errors.ts';
export * from './messages.ts';
export * from './model-delivery.ts';
export * from './rollout-api.ts';
export * from './topics.ts';
export * from './version.ts';
