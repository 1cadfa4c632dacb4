import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import type { AgentConfig } from '../config/index.ts';
import { AgentError } from '../errors.ts';

/**
 * TLS options for the broker connection: with `broker.ca` the broker's certificate must chain to that CA (the
 * hub's own, often self-made); without it, to the system's CAs. Certificates are always verified.
 */
export function brokerTlsOptions(
  broker: AgentConfig['broker'],
): Pick<IClientOptions, 'ca' | 'rejectUnauthorized'> {
  if (!broker.ca) return {};
  try {
    return { ca: readFileSync(broker.ca), rejectUnauthorized: true };
  } catch (cause) {
    throw new AgentError(
      'SL_CONFIG_INVALID',
      `broker.ca: cannot read ${broker.ca}: ${(cause as Error).message}; copy the CA certificate that signed the broker's certificate there`,
      { cause },
    );
  }
}
