import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { zhCN, type MessageKey } from './zh-CN.ts';
import { en } from './en.ts';

export type Lang = 'zh-CN' | 'en';
const messages: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

export interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** Picks the zh or en name of a record that has both. */
  name(r: { nameZh: string; nameEn: string } | null | undefined): string;
  formatTime(iso: string | null | undefined): string;
  /** The part of a server's bilingual message ("中文。English.") in the UI's language. */
  said(message: string): string;
}

/**
 * The server words its refusals in both languages, Chinese first ("…。The …"), so any client can show them;
 * the web shows the half in its own language, keeping a leading file name ("x.zip:").
 */
export function bilingualPart(message: string, lang: Lang): string {
  const m = /^([\x20-\x7e]*?[:：])?([\s\S]*?。)\s*([\s\S]+)$/.exec(message);
  if (!m || !/[\u4e00-\u9fff]/.test(m[2]!) || !/[A-Za-z]/.test(m[3]!)) return message;
  const prefix = m[1] ?? '';
  return lang === 'en' ? `${prefix ? `${prefix.replace(/[:：]$/, '')}: ` : ''}${m[3]!.trim()}` : `${prefix}${m[2]}`;
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  const q = new URLSearchParams(window.location.search).get('lang');
  if (q === 'en' || q === 'zh-CN') return q;
  const saved = window.localStorage.getItem('hotspots.lang');
  return saved === 'en' ? 'en' : 'zh-CN';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const value = useMemo<I18n>(() => {
    const fmt = new Intl.DateTimeFormat(lang, {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    return {
      lang,
      setLang(l) {
        window.localStorage.setItem('hotspots.lang', l);
        document.documentElement.lang = l;
        setLangState(l);
      },
      t(key, vars) {
        let s = messages[lang][key] ?? key;
        if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
        return s;
      },
      name: (r) => (r ? (lang === 'en' ? r.nameEn : r.nameZh) : ''),
      formatTime: (iso) => (iso ? fmt.format(new Date(iso)) : '—'),
      said: (message) => bilingualPart(message, lang),
    };
  }, [lang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
