import path from 'node:path';
import { lanAddresses, makeLanCert } from '../tls/lan-cert.ts';

// npm run cert [-- --out var/tls] [--host 192.168.1.20 …]: a certificate for this computer's LAN addresses, and
// the lines to serve the map over HTTPS with it. See "Phones on the office network" in the README.

function argValues(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => {
    if (a === name && process.argv[i + 1]) out.push(process.argv[i + 1]!);
  });
  return out;
}

try {
  const dir = path.resolve(argValues('--out')[0] ?? 'var/tls');
  const hosts = argValues('--host');
  const made = await makeLanCert(dir, hosts.length ? hosts : lanAddresses());
  console.log(`证书已生成 Certificate made for: ${made.names.join(', ')}`);
  console.log(made.newCa ? `新的本机根证书 New CA for this computer: ${made.caCert} — install it on every phone (README: 手机上安装证书 / Trusting the certificate on phones).` : `沿用本机根证书 The CA phones already trust is kept: ${made.caCert}`);
  console.log('\nServe the map over HTTPS with:');
  console.log(`  HOST=0.0.0.0 HOTSPOTS_TLS_CERT=${made.serverCert} HOTSPOTS_TLS_KEY=${made.serverKey} npm start`);
  const first = made.names[0];
  if (first) console.log(`\nPhones open: https://${first}:8787/field`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
