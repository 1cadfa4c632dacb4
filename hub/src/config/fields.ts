import { z } from 'zod';

/** Env and flag values arrive as strings; turn plain digit strings into numbers, leave the rest to fail. */
export const digits = (v: unknown) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v);

const PORT_RULE = 'expected integer 0-65535';
export const port = (fallback: number, what: string) =>
  z
    .preprocess(
      digits,
      z.int({ error: PORT_RULE }).min(0, { error: PORT_RULE }).max(65535, { error: PORT_RULE }),
    )
    .default(fallback)
    .describe(`${what}; 0 picks a free port`)
    .meta({ examples: [fallback] });

export const host = (what: string) =>
  z
    .string({ error: 'expected a host name or IP address' })
    .min(1)
    .default('127.0.0.1')
    .describe(what)
    .meta({ examples: ['127.0.0.1', '0.0.0.0'] });

export const pemFile = (what: string) =>
  z
    .string()
    .min(1)
    .describe(what)
    .meta({ examples: ['/etc/sightline/tls/hub.crt'] });

/** A certificate chain and its private key, both PEM files. */
export const TlsConfig = z
  .strictObject({
    cert: pemFile('PEM certificate (chain) the server presents'),
    key: pemFile('PEM private key of that certificate (keep it readable by the hub only)'),
  })
  .optional();

export const bounded = (what: string, fallback: number, min: number, max: number) => {
  const rule = `expected integer ${min}-${max}`;
  return z
    .preprocess(digits, z.int({ error: rule }).min(min, { error: rule }).max(max, { error: rule }))
    .default(fallback)
    .describe(what)
    .meta({ examples: [fallback] });
};
export const positive = (what: string, fallback: number, max: number) => bounded(what, fallback, 1, max);
