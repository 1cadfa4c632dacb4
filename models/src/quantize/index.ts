/** The quantiser's entry point. */

export { quantizeOnFrames } from './calibration-set.ts';
export { type QuantizeOptions, type QuantizeReport, quantizeStatic } from './quantize.ts';
