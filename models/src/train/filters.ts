/** Fixed convolution kernels for the feature graph. Each is size×size, row-major, zero-mean. */

/** Scales to unit L2 norm, so every filter's response to white noise has the same spread. */
function unitNorm(k: Float32Array): Float32Array {
  const norm = Math.sqrt(k.reduce((a, b) => a + b * b, 0));
  return k.map((v) => v / norm);
}

function zeroMean(k: Float32Array): Float32Array {
  const mean = k.reduce((a, b) => a + b, 0) / k.length;
  for (let i = 0; i < k.length; i++) k[i] = (k[i] as number) - mean;
  return k;
}

/** 1-D Gaussian, normalised to sum 1. */
export function gaussian1d(sigma: number, size: number): Float32Array {
  const k = new Float32Array(size);
  const c = (size - 1) / 2;
  for (let i = 0; i < size; i++) k[i] = Math.exp(-((i - c) ** 2) / (2 * sigma * sigma));
  const sum = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / sum);
}

/**
 * Negative Laplacian of Gaussian, −∇²G (unit norm): positive at the centre of a bright blob of
 * radius ≈ σ√2, negative for a dark one.
 */
export function laplacianOfGaussian(sigma: number, size: number): Float32Array {
  const k = new Float32Array(size * size);
  const c = (size - 1) / 2;
  const s2 = sigma * sigma;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r2 = (x - c) ** 2 + (y - c) ** 2;
      k[y * size + x] = ((1 - r2 / (2 * s2)) * Math.exp(-r2 / (2 * s2))) / (Math.PI * s2);
    }
  }
  return unitNorm(zeroMean(k));
}

/**
 * Ridge (thin line) detector at angle θ (radians, direction of the line): the negative second derivative
 * of a Gaussian across the line (σa) times a Gaussian along it (σl), so a bright line gives a positive peak.
 */
export function ridge(theta: number, sigmaAcross: number, sigmaAlong: number, size: number): Float32Array {
  const k = new Float32Array(size * size);
  const c = (size - 1) / 2;
  const ct = Math.cos(theta);
  const st = Math.sin(theta);
  const sa2 = sigmaAcross * sigmaAcross;
  const sl2 = sigmaAlong * sigmaAlong;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const along = (x - c) * ct + (y - c) * st;
      const across = -(x - c) * st + (y - c) * ct;
      const g = Math.exp(-(across * across) / (2 * sa2) - (along * along) / (2 * sl2));
      k[y * size + x] = (1 - (across * across) / sa2) * g;
    }
  }
  return unitNorm(zeroMean(k));
}
