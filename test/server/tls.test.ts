import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import https from 'node:https';
import { X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { makeLanCert } from '../../server/tls/lan-cert.ts';
import { loadConfig } from '../../server/config.ts';
import { startServer } from '../../server/server.ts';

// Phones on the office LAN need HTTPS for GPS and the service worker: npm run cert makes a CA for this computer
// (installed once on each phone) and a server certificate for its LAN addresses; the server serves HTTPS with it.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-tls-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function get(url: string, ca?: string): Promise<{ status: number; body: string; cookie: string | undefined }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ...(ca ? { ca } : {}), headers: { host: new URL(url).host } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body, cookie: res.headers['set-cookie']?.[0] }));
      })
      .on('error', reject);
  });
}

describe('HTTPS on the LAN', () => {
  it('makes a CA phones can install and a server certificate for the LAN address that browsers accept', async () => {
    const made = await makeLanCert(path.join(dir, 'tls'), ['192.168.1.20']);
    expect(made.newCa).toBe(true);
    const ca = new X509Certificate(fs.readFileSync(made.caCert));
    const server = new X509Certificate(fs.readFileSync(made.serverCert));
    // Android installs only CA certificates as trusted credentials
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toContain('IP Address:192.168.1.20');
    expect(server.subjectAltName).toContain('DNS:localhost');
    expect(server.checkIP('192.168.1.20')).toBe('192.168.1.20');
    // browsers refuse server certificates valid for more than 398 days (iOS: 825)
    const days = (Date.parse(server.validTo) - Date.parse(server.validFrom)) / 86_400_000;
    expect(days).toBeLessThanOrEqual(398);
    expect(server.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth
    expect(fs.statSync(made.serverKey).mode & 0o077).toBe(0);

    // a second run keeps the CA the phones already trust and makes a new server certificate with it
    const again = await makeLanCert(path.join(dir, 'tls'), ['192.168.1.21']);
    expect(again.newCa).toBe(false);
    expect(new X509Certificate(fs.readFileSync(again.caCert)).fingerprint256).toBe(ca.fingerprint256);
    expect(new X509Certificate(fs.readFileSync(again.serverCert)).checkIssued(ca)).toBe(true);
  });

  it('serves HTTPS with the certificate, verified against the CA, with a Secure session cookie', async () => {
    const made = await makeLanCert(path.join(dir, 'tls2'), ['127.0.0.1']);
    const running = await startServer(
      loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: path.join(dir, 'data'), HOTSPOTS_WEB_DIR: path.join(dir, 'no-web'), HOTSPOTS_TLS_CERT: made.serverCert, HOTSPOTS_TLS_KEY: made.serverKey }),
      () => {},
    );
    try {
      expect(running.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = fs.readFileSync(made.caCert, 'utf8');
      const health = await get(`${running.url}/api/health`, ca);
      expect(health.status).toBe(200);
      // without the CA installed, the certificate is not trusted: the check is real
      await expect(get(`${running.url}/api/health`)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
      const login = await new Promise<{ status: number; cookie: string | undefined }>((resolve, reject) => {
        const body = JSON.stringify({ username: 'inspector', password: 'demo' });
        const req = https.request(`${running.url}/api/auth/login`, { method: 'POST', ca, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, cookie: res.headers['set-cookie']?.[0] }));
        });
        req.on('error', reject);
        req.end(body);
      });
      expect(login.status).toBe(200);
      expect(login.cookie).toMatch(/;\s*Secure/i);
    } finally {
      await running.close();
    }
  });

  it('refuses a certificate without its key, and names a file it cannot read', async () => {
    expect(() => loadConfig({ HOTSPOTS_TLS_CERT: 'a.crt' })).toThrow(/HOTSPOTS_TLS_CERT and HOTSPOTS_TLS_KEY go together/);
    await expect(
      startServer(loadConfig({ PORT: '0', HOTSPOTS_DATA_DIR: path.join(dir, 'data3'), HOTSPOTS_TLS_CERT: path.join(dir, 'missing.crt'), HOTSPOTS_TLS_KEY: path.join(dir, 'missing.key') }), () => {}),
    ).rejects.toThrow(/HOTSPOTS_TLS_CERT: cannot read .*missing\.crt \(ENOENT\)/);
  });
});
