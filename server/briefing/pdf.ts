import fs from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import type { BriefingData } from './types.ts';
import { briefingTables, HEADLINE_ROWS, type Table } from './tables.ts';
import { figureExtents, mapFigureSvg } from './map-svg.ts';

// The briefing as an A4 PDF with an embedded CJK font (Noto Sans SC, installed from npm) and vector map figures.

const require = createRequire(import.meta.url);
let fonts: { regular: Buffer; bold: Buffer } | undefined;
function cjkFonts() {
  fonts ??= {
    regular: fs.readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf')),
    bold: fs.readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf')),
  };
  return fonts;
}

const MARGIN = 40;
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const CONTENT_W = PAGE_W - 2 * MARGIN;

/** An A4 document with the CJK fonts, and the helpers every report draws with: a page break when needed, a heading. */
function startDoc(title: string, layout: 'portrait' | 'landscape') {
  const [pageW, pageH] = layout === 'portrait' ? [PAGE_W, PAGE_H] : [PAGE_H, PAGE_W];
  const width = pageW - 2 * MARGIN;
  const doc = new PDFDocument({ size: 'A4', layout, margin: MARGIN, info: { Title: title, Author: '镇创建办' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const f = cjkFonts();
  doc.registerFont('cjk', f.regular);
  doc.registerFont('cjk-bold', f.bold);
  const ensure = (h: number) => {
    if (doc.y + h > pageH - MARGIN) doc.addPage();
  };
  const heading = (text: string) => {
    ensure(40);
    doc.moveDown(0.6);
    const y = doc.y;
    doc.rect(MARGIN, y + 2, 3, 12).fill('#b3261e');
    doc.fillColor('#222').font('cjk-bold').fontSize(12).text(text, MARGIN + 8, y, { width: width - 8 });
    doc.moveDown(0.3);
  };
  return { doc, done, ensure, heading, width };
}

export async function briefingPdf(d: BriefingData): Promise<Buffer> {
  const { doc, done, ensure, heading } = startDoc(`${d.township.nameZh}创文卫生热点周报 ${d.week}`, 'portrait');

  doc.font('cjk-bold').fontSize(18).fillColor('#222').text(`${d.township.nameZh}创文卫生热点周报`, MARGIN, MARGIN);
  doc.font('cjk').fontSize(10).fillColor('#666').text(`${d.week}(${d.from} 至 ${d.to})· 镇创建办`);
  doc.moveDown(0.5);

  // headline cards
  const cardW = CONTENT_W / 6;
  const y0 = doc.y;
  HEADLINE_ROWS.forEach(([k, label, fmt], i) => {
    const x = MARGIN + i * cardW;
    doc.roundedRect(x + 2, y0, cardW - 4, 56, 4).strokeColor('#dddddd').lineWidth(0.6).stroke();
    doc.font('cjk-bold').fontSize(15).fillColor('#222').text(String(fmt(d.headline.current[k])), x + 2, y0 + 6, { width: cardW - 4, align: 'center' });
    doc.font('cjk').fontSize(7.5).fillColor('#444').text(label, x + 4, y0 + 26, { width: cardW - 8, align: 'center' });
    doc.fontSize(7).fillColor('#888').text(`上周 ${fmt(d.headline.previous[k])}`, x + 2, y0 + 44, { width: cardW - 4, align: 'center' });
  });
  doc.y = y0 + 64;

  heading('下周工作重点');
  if (!d.focus.length) doc.font('cjk').fontSize(9.5).fillColor('#888').text('本周无突出问题。', MARGIN, doc.y);
  d.focus.forEach((item, i) => {
    ensure(30);
    doc.font('cjk').fontSize(9.5).fillColor('#222').text(`${i + 1}. ${item.text}`, MARGIN, doc.y, { width: CONTENT_W });
    doc.fontSize(7.5).fillColor('#888').text(`依据:${item.rule}`, MARGIN + 12, doc.y, { width: CONTENT_W - 12 });
    doc.moveDown(0.2);
  });

  heading('热点分布图');
  ensure(260);
  const ext = figureExtents(d.map);
  const figW = (CONTENT_W - 10) / 2;
  const figY = doc.y;
  // Draw each figure at its own size and scale it into place (the renderer does not scale by itself).
  const figure = (svg: string, x: number) => {
    doc.save();
    doc.translate(x, figY);
    doc.scale(figW / 340);
    SVGtoPDF(doc, svg, 0, 0, { assumePt: true, fontCallback: () => 'cjk' });
    doc.restore();
  };
  figure(mapFigureSvg(d.map, { bbox: ext.township, width: 340, height: 330, title: '全镇', labels: 'villages', halo: false }), MARGIN);
  figure(mapFigureSvg(d.map, { bbox: ext.centre, width: 340, height: 330, title: '集镇区', labels: 'landmarks', halo: false }), MARGIN + figW + 10);
  doc.y = figY + figW * (330 / 340) + 6;

  for (const t of briefingTables(d).filter((x) => x.key !== 'focus')) drawTable(doc, t, heading, ensure);

  doc.moveDown(1);
  ensure(30);
  doc.font('cjk').fontSize(7.5).fillColor('#888').text(
    `热点:Getis-Ord Gi*,${d.map.cellSize}米格网,距离带${d.map.band}米,Benjamini–Hochberg校正。顽固点位:DBSCAN(25米,至少8条),近12周。生成于 ${d.generatedAt}。`,
    MARGIN,
    doc.y,
    { width: CONTENT_W },
  );
  doc.end();
  return done;
}

function drawTable(doc: PDFKit.PDFDocument, t: Table, heading: (s: string) => void, ensure: (h: number) => void, width = CONTENT_W, none = '本周无。') {
  heading(t.title);
  if (!t.rows.length) {
    doc.font('cjk').fontSize(9).fillColor('#888').text(none, MARGIN, doc.y);
    return;
  }
  doc.font('cjk').fontSize(8.5);
  // Columns share the width by their longest text, within limits.
  const longest = t.headers.map((h, i) => Math.max(doc.widthOfString(h), ...t.rows.map((r) => doc.widthOfString(String(r[i] ?? '')))));
  const want = longest.map((w) => Math.min(Math.max(w + 8, 34), 260));
  const scale = width / want.reduce((a, b) => a + b, 0);
  const widths = want.map((w) => w * scale);
  const row = (cells: (string | number)[], bold: boolean) => {
    doc.font(bold ? 'cjk-bold' : 'cjk').fontSize(8.5);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(String(c), { width: widths[i]! - 6 }))) + 6;
    ensure(h);
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((c, i) => {
      if (bold) doc.rect(x, y, widths[i]!, h).fill('#f3efe3');
      doc.rect(x, y, widths[i]!, h).strokeColor('#cccccc').lineWidth(0.4).stroke();
      doc.fillColor('#222').text(String(c), x + 3, y + 3, { width: widths[i]! - 6 });
      x += widths[i]!;
    });
    doc.x = MARGIN;
    doc.y = y + h;
  };
  row(t.headers, true);
  for (const r of t.rows) row(r, false);
}

/**
 * A report of tables alone (the monthly, quarterly and yearly evaluation) as a landscape A4 PDF, laid out as the
 * briefing's tables are.
 */
export async function tablesPdf(title: string, subtitle: string, tables: readonly Table[], footnote: string): Promise<Buffer> {
  const { doc, done, ensure, heading, width } = startDoc(title, 'landscape');
  doc.font('cjk-bold').fontSize(17).fillColor('#222').text(title, MARGIN, MARGIN, { width });
  doc.font('cjk').fontSize(10).fillColor('#666').text(subtitle, { width });
  for (const t of tables) drawTable(doc, t, heading, ensure, width, '本期无。');
  doc.moveDown(1);
  ensure(30);
  doc.font('cjk').fontSize(7.5).fillColor('#888').text(footnote, MARGIN, doc.y, { width });
  doc.end();
  return done;
}
