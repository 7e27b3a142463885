// tls-lib.mjs -- throwaway certificates for the TLS tests, made with the
// openssl command line: a CA, and certificates it signs with chosen names
// and validity (including already expired ones, through `openssl ca`, which
// takes explicit start and end dates).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

function openssl(args, cwd) {
  return execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

// OpenSSL's compact UTC time for `openssl ca`: YYYYMMDDHHMMSSZ.
function caTime(ms) {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
}

// A CA in dir/ca: returns { dir, cert, key, pem }.
export function makeCA(dir) {
  const ca = path.join(dir, 'ca');
  mkdirSync(path.join(ca, 'new'), { recursive: true });
  writeFileSync(path.join(ca, 'index.txt'), '');
  writeFileSync(path.join(ca, 'serial'), '1000\n');
  writeFileSync(path.join(ca, 'ca.cnf'), [
    '[ca]', 'default_ca = test_ca',
    '[test_ca]', `dir = ${ca}`, 'database = $dir/index.txt', 'serial = $dir/serial',
    'new_certs_dir = $dir/new', 'default_md = sha256', 'policy = anything', 'unique_subject = no',
    'copy_extensions = copy', 'email_in_dn = no',
    '[anything]', 'commonName = supplied',
    '',
  ].join('\n'));
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3', '-subj', '/CN=handsup test CA'], ca);
  return { dir: ca, cert: path.join(ca, 'ca.pem'), key: path.join(ca, 'ca.key'),
    pem: readFileSync(path.join(ca, 'ca.pem')) };
}

// A certificate for name (and 127.0.0.1) signed by ca, valid from
// now + fromMs to now + toMs.  Returns { cert, key } file paths in dir.
export function makeCert(ca, dir, name, { fromMs = -3600e3, toMs = 86400e3, cn = 'localhost' } = {}) {
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.pem`);
  const cnf = path.join(dir, `${name}.cnf`);
  writeFileSync(cnf, ['[req]', 'distinguished_name = dn', 'req_extensions = ext', '[dn]',
    '[ext]', `subjectAltName = DNS:${cn},DNS:localhost,IP:127.0.0.1`, ''].join('\n'));
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', key, '-out', csr, '-subj', `/CN=${cn}`, '-config', cnf]);
  const now = Date.now();
  openssl(['ca', '-batch', '-config', path.join(ca.dir, 'ca.cnf'), '-cert', ca.cert, '-keyfile', ca.key,
    '-in', csr, '-out', cert, '-notext', '-startdate', caTime(now + fromMs), '-enddate', caTime(now + toMs)]);
  return { cert, key };
}

// The serial number of a PEM certificate file, as Node's getPeerCertificate
// reports it (upper-case hex).
export function serialOf(certFile) {
  const out = openssl(['x509', '-in', certFile, '-noout', '-serial']);
  return out.trim().replace(/^serial=/, '').toUpperCase();
}
