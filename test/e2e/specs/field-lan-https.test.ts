import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTownServer } from '../town-server.ts';
import { launchBrowser, Phone, type Browser } from '../driver.ts';
import { makeLanCert, type LanCert } from '../../../server/tls/lan-cert.ts';
import { alongRoad, demoTown } from '../../helpers/town.ts';

// The README's phone-on-the-LAN path over HTTPS: the server serves the certificate npm run cert makes, and a phone
// that trusts it (as one does after installing the CA) opens the field view at the LAN name with a secure context:
// GPS, the service worker and the random idempotency keys all work, and a report goes in.

const { generatorTown } = demoTown();
const SPOT = alongRoad(generatorTown.roads, 'laneB', 1, 0.5) as [number, number];
const LAN_NAME = 'hotspots.lan.test';

const tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotspots-lan-'));
let cert: LanCert;
beforeAll(async () => {
  cert = await makeLanCert(tlsDir, [LAN_NAME]);
});
const town = useTownServer({ env: () => ({ HOTSPOTS_TLS_CERT: cert.serverCert, HOTSPOTS_TLS_KEY: cert.serverKey, HOTSPOTS_ALLOWED_HOSTS: LAN_NAME }) });
let phoneBrowser: Browser;
afterAll(async () => {
  await phoneBrowser?.close();
  fs.rmSync(tlsDir, { recursive: true, force: true });
});

describe('the field view over HTTPS on the LAN', { timeout: 180_000 }, () => {
  it('has a secure context at the LAN name: the position, the service worker and a report that is sent', async () => {
    // The phone resolves the LAN name to this computer and trusts the certificate (Chromium's way of saying "the
    // CA is installed": the SHA-256 of the server key, which the certificate must match).
    const spki = createHash('sha256').update(new X509Certificate(fs.readFileSync(cert.serverCert)).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
    phoneBrowser = await launchBrowser([`--host-resolver-rules=MAP ${LAN_NAME} 127.0.0.1`, `--ignore-certificate-errors-spki-list=${spki}`]);
    const port = new URL(town.server.url).port;
    const url = `https://${LAN_NAME}:${port}`;
    expect(town.server.url.startsWith('https://')).toBe(true);
    const p = await Phone.open(phoneBrowser, url, { geolocation: { longitude: SPOT[0], latitude: SPOT[1], accuracy: 6 }, serviceWorkers: 'allow' });
    try {
      expect(await p.secureContext()).toEqual({ secure: true, uuid: 'function', proto: 'https:' });
      await p.serviceWorkerInCharge();

      await p.startReport();
      // the pin goes down at the phone's fix: the position is available over HTTPS
      expect(await p.place()).toBeTruthy();
      expect(await p.placedByHand()).toBe(false);
      await p.pick('exposed_garbage');
      const note = `局域网HTTPS ${Date.now()}`;
      await p.note(note);
      await p.submit();
      await p.waitForOutbox({ state: 'sent' });
      const row = await town.server.deps.store.db.selectFrom('reports').select(['accuracy_m']).where('description', '=', note).executeTakeFirstOrThrow();
      expect(row.accuracy_m).toBe(6);
      expect(p.errors).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
