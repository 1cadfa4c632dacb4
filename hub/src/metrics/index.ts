export * from './counts.ts';
export * from './line-metrics.ts';
export * from './p-chart.ts';
export * from './recipe-metrics.ts';
export * from './series.ts';
export * from './wilson.ts';
