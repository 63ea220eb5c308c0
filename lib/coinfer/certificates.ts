/**
 * Throwaway TLS material for the two-host tests and `testbed --netns`: a certificate authority and a server
 * certificate it signs for one IP address, made with openssl(1) into a directory (keys never leave it; the
 * caller removes it). Not for production: the CA key sits beside the certificates.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface TestCertificates {
  /** PEM files. */
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    throw new Error(
      e.code === 'ENOENT'
        ? 'openssl is not installed (Debian: apt-get install openssl; scripts/system-deps.sh does it)'
        : `openssl ${args[0]} failed: ${String(e.stderr ?? e.message).trim()}`,
    );
  }
}

/** A CA named `name` and a certificate for `ip` signed by it, in `dir` (which must exist), valid one day. */
export function writeTestCertificates(dir: string, ip: string, name = 'spikesplit test CA'): TestCertificates {
  const file = (f: string) => path.join(dir, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
  ]);
  openssl(['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', `/CN=${ip}`]);
  const ext = file('server.ext');
  fs.writeFileSync(
    ext,
    `subjectAltName=IP:${ip}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`,
  );
  openssl([
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('server.pem'),
    '-days',
    '1',
    '-extfile',
    ext,
  ]);
  return { caCert: file('ca.pem'), serverCert: file('server.pem'), serverKey: file('server.key') };
}
