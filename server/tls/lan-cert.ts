import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

// A certificate for serving the map over HTTPS on the office LAN, so a phone gets a secure context (GPS, the
// service worker, the camera) without a public domain. Made with selfsigned (maintained, Node's own WebCrypto),
// the way mkcert does it: a small certificate authority of this computer, installed once on each phone, signs a
// server certificate naming this computer's LAN addresses. Android installs only CA certificates as trusted, and
// iOS takes server certificates of at most 825 days with serverAuth; both rules are kept.

export interface LanCert {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** The addresses and names the server certificate is valid for. */
  names: string[];
  /** The CA was made now (phones must install it), rather than reused. */
  newCa: boolean;
}

const DAY = 86_400_000;
/** Browsers refuse server certificates valid longer than 398 days. */
const SERVER_DAYS = 397;
const CA_DAYS = 3650;

/** This computer's IPv4 addresses on its networks (not loopback): where phones on the LAN reach it. */
export function lanAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((i): i is os.NetworkInterfaceInfo => !!i && i.family === 'IPv4' && !i.internal)
    .map((i) => i.address);
}

const IP = /^(\d{1,3}\.){3}\d{1,3}$|:/;

/** Makes (or reuses) the CA in `dir` and a new server certificate for `hosts` plus localhost. */
export async function makeLanCert(dir: string, hosts: string[] = lanAddresses(), now = new Date()): Promise<LanCert> {
  fs.mkdirSync(dir, { recursive: true });
  const caCertFile = path.join(dir, 'ca.crt');
  const caKeyFile = path.join(dir, 'ca.key');
  let newCa = false;
  if (!fs.existsSync(caCertFile) || !fs.existsSync(caKeyFile) || Date.parse(new X509Certificate(fs.readFileSync(caCertFile)).validTo) < now.getTime() + SERVER_DAYS * DAY) {
    const ca = await generate([{ name: 'commonName', value: `创文卫生热点地图 本机证书 ${os.hostname()}` }, { name: 'organizationName', value: 'Hotspot map (LAN)' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(now.getTime() - DAY),
      notAfterDate: new Date(now.getTime() + CA_DAYS * DAY),
      extensions: [
        { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    });
    fs.writeFileSync(caKeyFile, ca.private, { mode: 0o600 });
    fs.writeFileSync(caCertFile, ca.cert);
    newCa = true;
  }
  const names = [...new Set([...hosts, 'localhost', '127.0.0.1', os.hostname()])];
  const server = await generate([{ name: 'commonName', value: hosts[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - DAY),
    notAfterDate: new Date(now.getTime() + SERVER_DAYS * DAY),
    ca: { key: fs.readFileSync(caKeyFile, 'utf8'), cert: fs.readFileSync(caCertFile, 'utf8') },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((n) => (IP.test(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })) },
    ],
  });
  const serverCert = path.join(dir, 'server.crt');
  const serverKey = path.join(dir, 'server.key');
  fs.writeFileSync(serverKey, server.private, { mode: 0o600 });
  fs.writeFileSync(serverCert, server.cert);
  return { dir, caCert: caCertFile, serverCert, serverKey, names, newCa };
}
