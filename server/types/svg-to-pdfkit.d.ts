// svg-to-pdfkit ships no types: the one function the briefing uses.
declare module 'svg-to-pdfkit' {
  export default function SVGtoPDF(
    doc: PDFKit.PDFDocument,
    svg: string,
    x: number,
    y: number,
    options?: { width?: number; height?: number; assumePt?: boolean; fontCallback?: (...args: unknown[]) => string },
  ): void;
}
