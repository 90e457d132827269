// A report as a file: the page inline under its own content policy (a self-contained document with its own style
// sheet and no script), the PDF, CSV and workbook as downloads. The weekly briefing and the period reports answer
// through here.

import { FILE_TYPES } from '../exchange/file-types.ts';

export type DocumentExt = 'html' | 'pdf' | 'csv' | 'xlsx';

export function documentResponse(body: string | Uint8Array, ext: DocumentExt, name: string, pagePolicy: string): Response {
  return new Response(typeof body === 'string' ? body : new Uint8Array(body), {
    status: 200,
    headers: {
      'Content-Type': FILE_TYPES[ext],
      'Content-Disposition': `${ext === 'html' ? 'inline' : 'attachment'}; filename="${name}"`,
      ...(ext === 'html' ? { 'Content-Security-Policy': pagePolicy } : {}),
    },
  });
}
