/** The quantiser's entry point. */
export { type QuantizeOptions, type QuantizeReport, quantizeStatic } from './quantize.ts';
