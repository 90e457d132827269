import sharp from 'sharp';

let n = 0;
/** A small JPEG no other test has: a colour and a stripe from a counter, so each call is a different photo. */
export async function freshJpeg(): Promise<Buffer> {
  n++;
  const w = 64;
  const h = 48;
  const px = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const stripe = i % w === n % w;
    px[i * 3] = stripe ? 255 : (n * 37) % 256;
    px[i * 3 + 1] = stripe ? 255 : (n * 91) % 256;
    px[i * 3 + 2] = stripe ? 0 : (process.pid + n * 53) % 256;
  }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}
