import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { zhCN, type MessageKey } from './zh-CN.ts';
import { en } from './en.ts';
import { errorText } from './errors.ts';

export type Lang = 'zh-CN' | 'en';
const messages: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

export interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** Picks the zh or en name of a record that has both. */
  name(r: { nameZh: string; nameEn: string } | null | undefined): string;
  formatTime(iso: string | null | undefined): string;
  /**
   * A server's refusal in the UI's language: its bilingual message's half ("中文。English."), or for input errors
   * each problem worded from its code. Takes the message or the failure itself.
   */
  said(message: unknown): string;
}

export { bilingualPart } from './errors.ts';

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
      said: (message) => errorText(message, lang),
    };
  }, [lang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
