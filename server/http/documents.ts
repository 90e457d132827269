// A report as a file: the page inline under its own content policy (a self-contained document with its own style
// sheet and no script), the PDF, CSV and workbook as downloads. The weekly briefing and the period reports answer
// through here.

export const DOCUMENT_TYPES = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

export type DocumentExt = keyof typeof DOCUMENT_TYPES;

export function documentResponse(body: string | Uint8Array, ext: DocumentExt, name: string, pagePolicy: string): Response {
  return new Response(typeof body === 'string' ? body : new Uint8Array(body), {
    status: 200,
    headers: {
      'Content-Type': DOCUMENT_TYPES[ext],
      'Content-Disposition': `${ext === 'html' ? 'inline' : 'attachment'}; filename="${name}"`,
      ...(ext === 'html' ? { 'Content-Security-Policy': pagePolicy } : {}),
    },
  });
}
