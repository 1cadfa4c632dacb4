/** The quantiser's entry point (models/src/train/quantize-bridge.ts loads `quantizeStatic` from here). */
export { type QuantizeOptions, type QuantizeReport, quantizeStatic } from './quantize.ts';
