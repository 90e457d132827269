import fs from 'node:fs';
import path from 'node:path';

/** A file's bytes, and for a bare .shp its .dbf, .prj and .cpg beside it (by the same base name). */
export function readWithSiblings(file: string): { bytes: Uint8Array; siblings?: Map<string, Uint8Array> } {
  const bytes = fs.readFileSync(file);
  if (!/\.shp$/i.test(file)) return { bytes };
  const base = file.slice(0, -4);
  const siblings = new Map<string, Uint8Array>();
  for (const ext of ['dbf', 'prj', 'cpg', 'DBF', 'PRJ', 'CPG']) {
    if (fs.existsSync(`${base}.${ext}`)) siblings.set(`${path.basename(base)}.${ext.toLowerCase()}`, fs.readFileSync(`${base}.${ext}`));
  }
  return { bytes, siblings };
}
