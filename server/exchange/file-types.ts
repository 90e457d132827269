// The media type of each kind of file the product sends, in one place: the exports, the ledger and the rates, the
// briefing and the period reports.

export const FILE_TYPES = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  geojson: 'application/geo+json',
} as const;

export type FileExt = keyof typeof FILE_TYPES;
