// The weekly briefing as data: everything the page, the PDF and the tables show, computed once and archived.

export interface Headline {
  newReports: number;
  closed: number;
  /** Of the week's new reports, the share closed by the end of the week (0–1), null when none came in. */
  closureRate: number | null;
  /** Median hours from seen to closed, over the items closed during the week. */
  medianHoursToClose: number | null;
  /** Items waiting for rectification past their deadline at the end of the week. */
  overdue: number;
  recurrences: number;
}

export interface PlaceWords {
  near: string | null;
  zone: string | null;
  village: string | null;
}

export interface BriefingData {
  township: { nameZh: string; nameEn: string; timezone: string };
  week: string;
  /** Local dates, Monday and Sunday. */
  from: string;
  to: string;
  generatedAt: string;
  headline: { current: Headline; previous: Headline };
  byCategory: { code: string; nameZh: string; color: string; count: number; previous: number; overdue: number }[];
  byArea: {
    id: string;
    kind: string;
    nameZh: string;
    responsible: string | null;
    count: number;
    previous: number;
    overdue: number;
    deductionYuan: number;
    score: number;
  }[];
  hotSpots: {
    centre: [number, number];
    cells: number;
    reports: number;
    maxZ: number;
    confidence: number;
    place: PlaceWords;
    responsible: string | null;
    weeksHot: number;
  }[];
  /** Emerging hot spots over the twelve weeks to this one's end (absent in briefings archived before they existed). */
  emerging?: { centre: [number, number]; category: string; categoryZh: string; hotWeeks: number; weeks: number; trend: 'rising' | 'falling' | 'steady'; reports: number; place: PlaceWords; responsible: string | null }[];
  chronic: { centre: [number, number]; count: number; categoryZh: string; weeksActive: number; weeks: number; place: PlaceWords }[];
  /** caseNo: absent in briefings stored before items had case numbers (their first 8 id characters are shown). */
  overdue: { id: string; caseNo?: string | null; categoryZh: string; place: PlaceWords; responsible: string | null; deadlineAt: string; daysOverdue: number }[];
  recurrences: { id: string; caseNo?: string | null; categoryZh: string; place: PlaceWords; observedAt: string; recurrenceOf: string; recurrenceOfCase?: string | null }[];
  focus: { rule: string; text: string }[];
  map: {
    boundary: unknown;
    zones: { nameZh: string; geometry: unknown }[];
    villages: { nameZh: string; geometry: unknown; label: [number, number] }[];
    cells: { ring: [number, number][]; bin: number }[];
    openItems: { at: [number, number]; overdue: boolean }[];
    landmarks: { nameZh: string; at: [number, number] }[];
    cellSize: number;
    band: number;
  };
}
