import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PNG } from 'pngjs';
import type { RGB } from './driver.ts';

// Basemap tiles for the end-to-end stories: one colour everywhere, so a test can count where they show.

export function solidPng([r, g, b]: RGB): Buffer {
  const png = new PNG({ width: 256, height: 256 });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([r, g, b, 255], i);
  return PNG.sync.write(png);
}

/** A local tile service standing in for the internet: every {z}/{x}/{y}.png is the same colour; counts requests. */
export async function solidTileServer(colour: RGB): Promise<{ url: string; requests(): number; close(): Promise<void> }> {
  const body = solidPng(colour);
  let requests = 0;
  const server = http.createServer((req, res) => {
    if (!/^\/tiles\/\d+\/\d+\/\d+\.png$/.test(req.url ?? '')) return res.writeHead(404).end();
    requests++;
    res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tiles/{z}/{x}/{y}.png`,
    requests: () => requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
