import { useEffect, useRef, useState } from 'react';
import type { InferResponseType } from 'hono/client';
import { api, unwrap } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/zh-CN.ts';

type Found = InferResponseType<typeof api.search.$get, 200>;

interface Props {
  /** An item was picked: open it, and look at where it is. */
  onItem(id: string, at: [number, number]): void;
  /** A street or landmark was picked: look at it ([minLon, minLat, maxLon, maxLat]). */
  onPlace(bbox: [number, number, number, number]): void;
}

/** The map's search box: a case number, words of a description, or a street or landmark. */
export function SearchBox({ onItem, onPlace }: Props) {
  const { t, said } = useI18n();
  const [text, setText] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const [error, setError] = useState<string | null>(null);
  const asked = useRef(0);
  useEffect(() => {
    if (!text.trim()) {
      setFound(null);
      return;
    }
    // what is typed is asked after a short pause, and only the latest answer is shown
    const n = ++asked.current;
    const timer = setTimeout(() => {
      unwrap(api.search.$get({ query: { q: text.trim() } }))
        .then((r) => n === asked.current && (setFound(r), setError(null)))
        .catch((e: unknown) => n === asked.current && setError(said(e)));
    }, 250);
    return () => clearTimeout(timer);
  }, [text, said]);
  const close = () => {
    setFound(null);
    setText('');
  };
  return (
    <div className="search-box panel" role="search">
      <input
        type="search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && close()}
        placeholder={t('searchPlaceholder')}
        aria-label={t('search')}
        maxLength={100}
        data-testid="map-search"
      />
      {error && <p className="error small">{error}</p>}
      {found && (
        <ul className="search-results" data-testid="search-results">
          {found.items.length === 0 && found.places.length === 0 && <li className="group">{t('searchNothing')}</li>}
          {found.places.length > 0 && <li className="group">{t('searchPlaces')}</li>}
          {found.places.map((p, i) => (
            <li key={`p${i}`}>
              <button
                type="button"
                onClick={() => {
                  onPlace(p.bbox as [number, number, number, number]);
                  close();
                }}
                data-testid="search-place"
              >
                {p.nameZh}
              </button>
            </li>
          ))}
          {found.items.length > 0 && <li className="group">{t('searchItems')}</li>}
          {found.items.map((r) => (
            <li key={r.id}>
              <button
                type="button"
                onClick={() => {
                  onItem(r.id, [r.lon, r.lat]);
                  close();
                }}
                data-testid="search-item"
                data-report-id={r.id}
              >
                <span className="case-no">{r.caseNo}</span> {t(`status.${r.status}` as MessageKey)}
                {r.description ? (
                  <>
                    {' · '}
                    <bdi>{r.description.slice(0, 40)}</bdi>
                  </>
                ) : null}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
