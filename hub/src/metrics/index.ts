export * from './line-metrics.ts';
export * from './wilson.ts';
