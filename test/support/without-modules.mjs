// A module hook that makes the packages named in SL_TEST_UNAVAILABLE (comma-separated) fail to resolve,
// as on a device where they are not installed. Load it with NODE_OPTIONS="--import <this file>", so
// every process and thread the agent starts (runtime measurements, capture threads) sees the same.
import { register } from 'node:module';

const unavailable = (process.env.SL_TEST_UNAVAILABLE ?? '').split(',').filter(Boolean);
const hook = `
  const unavailable = ${JSON.stringify(unavailable)};
  export async function resolve(specifier, context, next) {
    // By name, or by the path a bundle imports an installed package from (agent/bin/bundle.mjs).
    const named = (name) =>
      specifier === name || specifier.startsWith(name + '/') || specifier.includes('/node_modules/' + name + '/');
    if (unavailable.some(named)) {
      const err = new Error("Cannot find package '" + specifier + "' (made unavailable by the test)");
      err.code = 'ERR_MODULE_NOT_FOUND';
      throw err;
    }
    return next(specifier, context);
  }`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
