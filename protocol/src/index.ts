export * from './api.ts';
export * from './api-alarms.ts';
export * from './api-roi.ts';
export * from './codec.ts';
export * from './errors.ts';
export * from './messages.ts';
export * from './topics.ts';
