import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ThrowawayCa {
  /** PEM files: the CA's certificate, and a server certificate it signed for localhost and 127.0.0.1. */
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** Another CA that signed nothing here: an agent that trusts it must refuse the server. */
  otherCaCert: string;
}

/**
 * A throw-away certificate authority made with Debian's `openssl` CLI (P-256 keys, valid 2 days): the way an
 * operator makes one for a plant (SECURITY.md). Needs `openssl` on PATH (apt-get install openssl).
 */
export async function makeThrowawayCa(dir: string): Promise<ThrowawayCa> {
  const f = (name: string) => join(dir, name);
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const ca = async (name: string) =>
    run('openssl', [
      'req',
      '-x509',
      ...key,
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.crt`),
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
    ]);
  await ca('sightline-test-ca');
  await ca('other-ca');
  await run('openssl', [
    'req',
    ...key,
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
    '-subj',
    '/CN=localhost',
  ]);
  await writeFile(
    f('server.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('sightline-test-ca.crt'),
    '-CAkey',
    f('sightline-test-ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.crt'),
    '-days',
    '2',
    '-extfile',
    f('server.ext'),
  ]);
  return {
    caCert: f('sightline-test-ca.crt'),
    serverCert: f('server.crt'),
    serverKey: f('server.key'),
    otherCaCert: f('other-ca.crt'),
  };
}
