import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type * as maplibregl from 'maplibre-gl';
import { TerraDraw, TerraDrawPolygonMode, TerraDrawSelectMode } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { useSession } from '../session.tsx';
import { MapView } from '../map/MapView.tsx';
import { buildBasemapStyle } from '../map/basemap.ts';
import type { AreasResponse } from '../api.ts';
import type { ReferenceData } from './ReviewView.tsx';
import { displayFor, shownData } from '../map/display.ts';
import { SetupUpload } from './county/TownshipSetup.tsx';
import { SecondFactor } from '../components/SecondFactor.tsx';

// The office's and admin's tools: area boundaries drawn on the map, imports with a dry run, API keys for Open311
// clients, webhooks to group chats, and the audit log.

type Tab = 'areas' | 'import' | 'people' | 'keys' | 'webhooks' | 'audit';
const TABS: { tab: Tab; label: MessageKey; roles: string[] }[] = [
  { tab: 'areas', label: 'adminAreas', roles: ['admin', 'office'] },
  { tab: 'import', label: 'adminImport', roles: ['admin', 'office'] },
  { tab: 'people', label: 'adminPeople', roles: ['admin'] },
  { tab: 'keys', label: 'adminKeys', roles: ['admin'] },
  { tab: 'webhooks', label: 'adminWebhooks', roles: ['admin'] },
  { tab: 'audit', label: 'adminAudit', roles: ['admin'] },
];

/** JSON over fetch with the product's error shape turned into an Error carrying its message. */
async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body === undefined || body instanceof FormData ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
  });
  const data = (await res.json().catch(() => null)) as (T & { error?: { message: string; details?: unknown } }) | null;
  if (!res.ok) {
    const err = new Error(data?.error?.message ?? `HTTP ${res.status}`) as Error & { details?: unknown };
    err.details = data?.error?.details;
    throw err;
  }
  return data as T;
}

export function AdminView({ data }: { data: ReferenceData }) {
  const { t } = useI18n();
  const { user } = useSession();
  const tabs = TABS.filter((x) => x.roles.includes(user.role));
  const [tab, setTab] = useState<Tab>(tabs[0]?.tab ?? 'areas');
  return (
    <div className="admin">
      <div className="tabs" role="tablist">
        {tabs.map((x) => (
          <button key={x.tab} type="button" role="tab" aria-selected={tab === x.tab} className={tab === x.tab ? 'selected' : ''} onClick={() => setTab(x.tab)} data-testid={`admin-tab-${x.tab}`}>
            {t(x.label)}
          </button>
        ))}
        <a className="button docs-link" href="/api/docs" target="_blank" rel="noreferrer">
          {t('apiDocs')}
        </a>
      </div>
      {tab === 'areas' && <AreasTab data={data} />}
      {tab === 'import' && <ImportTab />}
      {tab === 'people' && <PeopleTab data={data} />}
      {tab === 'people' && user.role === 'admin' && <SecondFactor />}
      {tab === 'keys' && <KeysTab />}
      {tab === 'webhooks' && <WebhooksTab />}
      {tab === 'audit' && <AuditTab />}
    </div>
  );
}

type Geometry = { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };
type AreaFeature = AreasResponse['features'][number];
const KINDS = ['cleaning_zone', 'village', 'community', 'unit'] as const;

/** The boundary editor: pick an area (or draw a new one), move its vertices with terra-draw, save. */
function AreasTab({ data: stored }: { data: ReferenceData }) {
  const { t, name } = useI18n();
  // Over a GCJ-02 basemap boundaries are drawn shifted, and shifted back before they are saved.
  const display = useMemo(() => displayFor(stored.basemap.tiles), [stored.basemap]);
  const data = useMemo(() => shownData(stored, display), [stored, display]);
  const [areas, setAreas] = useState<AreasResponse>(data.areas);
  const [picked, setPicked] = useState<string | 'new' | null>(null);
  const [form, setForm] = useState({ kind: 'unit' as (typeof KINDS)[number], code: '', nameZh: '', nameEn: '', responsibleName: '', responsiblePhone: '' });
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const drawRef = useRef<TerraDraw | null>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const style = useMemo(() => buildBasemapStyle({ township: data.township, areas: data.areas, basemap: data.basemap, showAreas: false }), [data]);
  const bounds = data.township.bbox as [number, number, number, number];

  const showOutlines = useCallback((fc: AreasResponse) => {
    const map = mapRef.current;
    if (!map) return;
    const src = map.getSource('admin-areas') as maplibregl.GeoJSONSource | undefined;
    if (src) src.setData(fc as never);
    else {
      map.addSource('admin-areas', { type: 'geojson', data: fc as never });
      map.addLayer({ id: 'admin-areas-line', type: 'line', source: 'admin-areas', paint: { 'line-color': ['match', ['get', 'kind'], 'cleaning_zone', '#d94801', 'unit', '#6a51a3', '#2b6cb0'], 'line-width': 1.5 } });
    }
  }, []);

  const onReady = useCallback(
    (map: maplibregl.Map) => {
      mapRef.current = map;
      showOutlines(areas);
      const draw = new TerraDraw({
        adapter: new TerraDrawMapLibreGLAdapter({ map }),
        modes: [
          new TerraDrawSelectMode({ flags: { polygon: { feature: { coordinates: { midpoints: true, draggable: true, deletable: true } } } } }),
          new TerraDrawPolygonMode(),
        ],
      });
      draw.start();
      draw.on('finish', (id) => {
        draw.setMode('select');
        draw.selectFeature(id);
      });
      drawRef.current = draw;
      window.__hotspotsDraw = draw;
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  useEffect(() => () => drawRef.current?.stop(), []);

  const pick = (id: string | 'new') => {
    const draw = drawRef.current;
    setMessage(null);
    setPicked(id);
    if (!draw) return;
    draw.clear();
    if (id === 'new') {
      setForm({ kind: 'unit', code: '', nameZh: '', nameEn: '', responsibleName: '', responsiblePhone: '' });
      draw.setMode('polygon');
      return;
    }
    const f = areas.features.find((a) => a.id === id) as AreaFeature;
    const p = f.properties;
    setForm({ kind: p.kind as (typeof KINDS)[number], code: p.code, nameZh: p.nameZh, nameEn: p.nameEn, responsibleName: p.responsibleName ?? '', responsiblePhone: p.responsiblePhone ?? '' });
    const g = f.geometry as Geometry;
    const parts = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    const ids = parts.map(() => crypto.randomUUID());
    draw.setMode('select');
    draw.addFeatures(parts.map((coordinates, i) => ({ id: ids[i]!, type: 'Feature', geometry: { type: 'Polygon', coordinates }, properties: { mode: 'polygon' } })));
    draw.selectFeature(ids[0]!);
    const b = [180, 90, -180, -90];
    for (const [x, y] of parts.flat(2) as [number, number][]) {
      b[0] = Math.min(b[0]!, x);
      b[1] = Math.min(b[1]!, y);
      b[2] = Math.max(b[2]!, x);
      b[3] = Math.max(b[3]!, y);
    }
    const [w, s, e, n] = b as [number, number, number, number];
    mapRef.current?.fitBounds([[w, s], [e, n]], { padding: 60, duration: 0 });
  };

  const save = async () => {
    const draw = drawRef.current;
    if (!draw || !picked) return;
    const polys = draw.getSnapshot().filter((f) => f.geometry.type === 'Polygon').map((f) => f.geometry.coordinates as number[][][]);
    const drawn: Geometry | undefined = polys.length === 1 ? { type: 'Polygon', coordinates: polys[0]! } : polys.length > 1 ? { type: 'MultiPolygon', coordinates: polys } : undefined;
    const geometry = drawn && display.world(drawn);
    const people = { responsibleName: form.responsibleName || null, responsiblePhone: form.responsiblePhone || null };
    try {
      const r =
        picked === 'new'
          ? await call<{ rerouted: number }>('POST', '/api/areas', { kind: form.kind, code: form.code, nameZh: form.nameZh, ...(form.nameEn ? { nameEn: form.nameEn } : {}), ...people, geometry })
          : await call<{ rerouted: number }>('PATCH', `/api/areas/${picked}`, { nameZh: form.nameZh, nameEn: form.nameEn, ...people, ...(geometry ? { geometry } : {}) });
      setMessage({ ok: true, text: t('areaSaved', { n: r.rerouted }) });
      const fresh = display.geo(await call<AreasResponse>('GET', '/api/areas'));
      setAreas(fresh);
      showOutlines(fresh);
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };

  const field = (key: keyof typeof form, label: MessageKey, disabled = false) => (
    <label className="field-row">
      <span>{t(label)}</span>
      <input value={form[key]} disabled={disabled} onChange={(e) => setForm({ ...form, [key]: e.target.value })} data-testid={`area-${key}`} />
    </label>
  );

  return (
    <div className="admin-areas">
      <div className="admin-map">
        <MapView style={style} layers={[]} bounds={bounds} cursor="default" onClick={() => {}} onZoom={() => {}} onReady={onReady} />
      </div>
      <aside className="panel admin-side">
        <div className="toolbar">
          <select value={picked && picked !== 'new' ? picked : ''} onChange={(e) => e.target.value && pick(e.target.value)} data-testid="area-pick">
            <option value="">{t('areaPick')}</option>
            {KINDS.map((k) => (
              <optgroup key={k} label={t(`kind.${k}` as MessageKey)}>
                {areas.features
                  .filter((a) => a.properties.kind === k)
                  .map((a) => (
                    <option key={a.id} value={a.id}>
                      {name(a.properties)} ({a.properties.code})
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
          <button type="button" onClick={() => pick('new')} data-testid="area-new">
            {t('areaNew')}
          </button>
        </div>
        {picked && (
          <>
            <p className="small">{t(picked === 'new' ? 'areaDrawHint' : 'areaEditHint')}</p>
            {picked === 'new' && (
              <label className="field-row">
                <span>{t('areaKind')}</span>
                <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as (typeof KINDS)[number] })} data-testid="area-kind">
                  {KINDS.map((k) => (
                    <option key={k} value={k}>
                      {t(`kind.${k}` as MessageKey)}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {field('code', 'areaCode', picked !== 'new')}
            {field('nameZh', 'areaNameZh')}
            {field('nameEn', 'areaNameEn')}
            {field('responsibleName', 'areaResponsible')}
            {field('responsiblePhone', 'areaPhone')}
            <div className="toolbar">
              <button type="button" className="primary" onClick={() => void save()} data-testid="area-save">
                {t('areaSave')}
              </button>
              <button type="button" onClick={() => pick(picked)}>
                {t('areaCancel')}
              </button>
            </div>
          </>
        )}
        {message && (
          <p className={message.ok ? 'ok' : 'error'} role="status" data-testid="area-message">
            {message.text}
          </p>
        )}
      </aside>
    </div>
  );
}

interface ReportImport {
  dryRun: boolean;
  total: number;
  imported: number;
  alreadyThere: number;
  errors: { line: number; problems: string[] }[];
}
interface BoundaryImport {
  dryRun: boolean;
  total: number;
  inserted: number;
  updated: number;
  rows: { line: number; code: string | null; kind: string | null; nameZh: string | null; action: string | null; problems: string[] }[];
  fileProblems: string[];
}

/** Upload, check row by row, then import the whole file in one go. */
function ImportTab() {
  const { t } = useI18n();
  const [what, setWhat] = useState<'reports' | 'boundaries' | 'basemap'>('reports');
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ReportImport | BoundaryImport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    const form = new FormData();
    form.append('file', file);
    try {
      setResult(await call(`POST`, `/api/import/${what}?dryRun=${dryRun ? 1 : 0}`, form));
    } catch (e) {
      const details = (e as Error & { details?: ReportImport | BoundaryImport }).details;
      if (details) setResult(details);
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const problems = result ? ('errors' in result ? result.errors : result.rows.filter((r) => r.problems.length)) : [];
  const fileProblems = result && 'fileProblems' in result ? result.fileProblems : [];
  const clean = result !== null && problems.length === 0 && fileProblems.length === 0;
  return (
    <section className="panel wide">
      <div className="toolbar">
        <label>
          {t('importWhat')}{' '}
          <select value={what} onChange={(e) => { setWhat(e.target.value as 'reports' | 'boundaries' | 'basemap'); setResult(null); }} data-testid="import-what">
            <option value="reports">{t('importReports')}</option>
            <option value="boundaries">{t('importBoundaries')}</option>
            <option value="basemap">{t('importBasemap')}</option>
          </select>
        </label>
        {what === 'basemap' && <SetupUpload kind="basemap" onDone={() => {}} />}
        {what !== 'basemap' && (
          <>
        <input type="file" accept={what === 'reports' ? '.csv,.xlsx,.geojson,.json' : '.geojson,.json,.zip,.kml,.kmz,.topojson'} onChange={(e) => { setFile(e.target.files?.[0] ?? null); setResult(null); }} data-testid="import-file" />
        <button type="button" disabled={!file || busy} onClick={() => void send(true)} data-testid="import-check">
          {t('importCheck')}
        </button>
        <button type="button" className="primary" disabled={!clean || !result?.dryRun || busy} onClick={() => void send(false)} data-testid="import-run">
          {t('importRun')}
        </button>
          </>
        )}
      </div>
      {result && (
        <p data-testid="import-summary">
          {'errors' in result
            ? t('importSummaryReports', { total: result.total, imported: result.imported, already: result.alreadyThere, errors: result.errors.length })
            : t('importSummaryBoundaries', { total: result.total, inserted: result.inserted, updated: result.updated, errors: problems.length })}
          {!result.dryRun && !error && <strong> {t('importDone')}</strong>}
          {result.dryRun && !clean && <span className="error"> {t('importFixFirst')}</span>}
        </p>
      )}
      {error && <p className="error">{error}</p>}
      {fileProblems.length > 0 && (
        <>
          <h3>{t('importFileProblems')}</h3>
          <ul data-testid="import-file-problems">
            {fileProblems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </>
      )}
      {problems.length > 0 && (
        <div className="table-wrap">
          <table data-testid="import-problems">
            <thead>
              <tr>
                <th>{t('importLine')}</th>
                <th>{t('importProblems')}</th>
              </tr>
            </thead>
            <tbody>
              {problems.map((p) => (
                <tr key={p.line}>
                  <td>{p.line}</td>
                  <td className="wrap">{p.problems.join(' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

interface Person {
  id: string;
  username: string;
  displayName: string;
  role: string;
  areaId: string | null;
  phone: string | null;
  active: boolean;
}
const ROLES = ['admin', 'leader', 'office', 'inspector', 'cleaner', 'unit'] as const;

/** The township's people: add one, reset a password (which signs them out), deactivate. */
function PeopleTab({ data }: { data: ReferenceData }) {
  const { t, name } = useI18n();
  const [people, setPeople] = useState<Person[]>([]);
  const [draft, setDraft] = useState({ username: '', displayName: '', role: 'inspector' as (typeof ROLES)[number], password: '', areaId: '' });
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const areaName = useMemo(() => new Map(data.areas.features.map((a) => [a.id as string, name(a.properties)])), [data.areas, name]);
  const load = useCallback(() => void call<{ users: Person[] }>('GET', '/api/users').then((r) => setPeople(r.users), (e: Error) => setError(e.message)), []);
  useEffect(load, [load]);
  const act = async (f: () => Promise<unknown>, message: string) => {
    try {
      await f();
      setError(null);
      setDone(message);
      load();
    } catch (e) {
      setError((e as Error).message);
      setDone(null);
    }
  };
  const needsArea = draft.role === 'cleaner' || draft.role === 'unit';
  return (
    <section className="panel wide">
      <div className="toolbar">
        <input placeholder={t('peopleUsername')} value={draft.username} onChange={(e) => setDraft({ ...draft, username: e.target.value })} size={12} data-testid="person-username" />
        <input placeholder={t('peopleName')} value={draft.displayName} onChange={(e) => setDraft({ ...draft, displayName: e.target.value })} size={10} />
        <select value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value as (typeof ROLES)[number] })}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}` as MessageKey)}
            </option>
          ))}
        </select>
        {needsArea && (
          <select value={draft.areaId} onChange={(e) => setDraft({ ...draft, areaId: e.target.value })}>
            <option value="">{t('peopleArea')}</option>
            {data.areas.features
              .filter((a) => (draft.role === 'unit' ? a.properties.kind === 'unit' : a.properties.kind !== 'unit'))
              .map((a) => (
                <option key={a.id} value={a.id as string}>
                  {name(a.properties)}
                </option>
              ))}
          </select>
        )}
        <input type="password" placeholder={t('peoplePassword')} value={draft.password} onChange={(e) => setDraft({ ...draft, password: e.target.value })} size={16} />
        <button
          type="button"
          className="primary"
          onClick={() =>
            void act(
              () => call('POST', '/api/users', { username: draft.username, displayName: draft.displayName, role: draft.role, password: draft.password, ...(needsArea && draft.areaId ? { areaId: draft.areaId } : {}) }),
              t('saved'),
            ).then(() => setDraft({ ...draft, username: '', displayName: '', password: '' }))
          }
        >
          {t('peopleAdd')}
        </button>
      </div>
      {error && <p className="error">{error}</p>}
      {done && <p className="ok">{done}</p>}
      <div className="table-wrap">
        <table data-testid="people-table">
          <thead>
            <tr>
              <th>{t('peopleUsername')}</th>
              <th>{t('peopleName')}</th>
              <th>{t('peopleRole')}</th>
              <th>{t('peopleArea')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {people.map((p) => (
              <tr key={p.id} className={p.active ? '' : 'muted'}>
                <td>{p.username}</td>
                <td>{p.displayName}</td>
                <td>{t(`role.${p.role}` as MessageKey)}</td>
                <td>{p.areaId ? areaName.get(p.areaId) ?? '' : ''}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => {
                      const password = window.prompt(t('peopleNewPassword'));
                      if (password) void act(() => call('PATCH', `/api/users/${p.id}`, { password }), t('saved'));
                    }}
                  >
                    {t('peopleReset')}
                  </button>{' '}
                  <button type="button" onClick={() => void act(() => call('PATCH', `/api/users/${p.id}`, { mustChangePassword: true }), t('saved'))} data-testid={`people-must-change-${p.username}`}>
                    {t('peopleMustChange')}
                  </button>{' '}
                  <button type="button" onClick={() => void act(() => call('PATCH', `/api/users/${p.id}`, { active: !p.active }), t('saved'))}>
                    {t(p.active ? 'peopleDeactivate' : 'peopleActivate')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

function KeysTab() {
  const { t, formatTime } = useI18n();
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [nameText, setNameText] = useState('');
  const [fresh, setFresh] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => void call<{ keys: ApiKey[] }>('GET', '/api/api-keys').then((r) => setKeys(r.keys), (e: Error) => setError(e.message)), []);
  useEffect(load, [load]);
  const issue = async () => {
    try {
      const r = await call<{ key: string }>('POST', '/api/api-keys', { name: nameText });
      setFresh(r.key);
      setNameText('');
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section className="panel wide">
      <div className="toolbar">
        <input placeholder={t('keysName')} value={nameText} onChange={(e) => setNameText(e.target.value)} size={30} data-testid="key-name" />
        <button type="button" className="primary" disabled={!nameText.trim()} onClick={() => void issue()} data-testid="key-issue">
          {t('keysIssue')}
        </button>
      </div>
      {fresh && (
        <p className="ok">
          {t('keysShownOnce')} <code data-testid="key-fresh">{fresh}</code>
        </p>
      )}
      {error && <p className="error">{error}</p>}
      <table>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td>{formatTime(k.createdAt)}</td>
              <td>
                {t('keysLastUsed')}: {k.lastUsedAt ? formatTime(k.lastUsedAt) : '—'}
              </td>
              <td>
                {k.revokedAt ? (
                  t('keysRevoked')
                ) : (
                  <button type="button" onClick={() => void call('DELETE', `/api/api-keys/${k.id}`).then(load, (e: Error) => setError(e.message))}>
                    {t('keysRevoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

interface Hook {
  id: string;
  name: string;
  format: 'json' | 'wecom' | 'dingtalk';
  url: string;
  events: string[];
  active: boolean;
}

function WebhooksTab() {
  const { t } = useI18n();
  const [hooks, setHooks] = useState<Hook[]>([]);
  const [draft, setDraft] = useState({ name: '', format: 'wecom' as Hook['format'], url: '', events: ['report.overdue', 'briefing.ready'] });
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => void call<{ webhooks: Hook[] }>('GET', '/api/webhooks').then((r) => setHooks(r.webhooks), (e: Error) => setError(e.message)), []);
  useEffect(load, [load]);
  const add = async () => {
    try {
      await call('POST', '/api/webhooks', draft);
      setDraft({ ...draft, name: '', url: '' });
      setError(null);
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const toggle = (ev: string) => setDraft({ ...draft, events: draft.events.includes(ev) ? draft.events.filter((x) => x !== ev) : [...draft.events, ev] });
  return (
    <section className="panel wide">
      <div className="toolbar">
        <input placeholder={t('hooksName')} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        <select value={draft.format} onChange={(e) => setDraft({ ...draft, format: e.target.value as Hook['format'] })}>
          {(['wecom', 'dingtalk', 'json'] as const).map((f) => (
            <option key={f} value={f}>
              {t(`format.${f}` as MessageKey)}
            </option>
          ))}
        </select>
        <input placeholder={t('hooksUrl')} value={draft.url} onChange={(e) => setDraft({ ...draft, url: e.target.value })} size={40} />
        {['report.overdue', 'briefing.ready'].map((ev) => (
          <label key={ev} className="check">
            <input type="checkbox" checked={draft.events.includes(ev)} onChange={() => toggle(ev)} />
            {t(`event.${ev}` as MessageKey)}
          </label>
        ))}
        <button type="button" className="primary" onClick={() => void add()}>
          {t('hooksAdd')}
        </button>
      </div>
      {error && <p className="error">{error}</p>}
      <table>
        <tbody>
          {hooks.map((h) => (
            <tr key={h.id} className={h.active ? '' : 'muted'}>
              <td>{h.name}</td>
              <td>{t(`format.${h.format}` as MessageKey)}</td>
              <td>
                <code>{h.url}</code>
              </td>
              <td>{h.events.map((ev) => t(`event.${ev}` as MessageKey)).join('、')}</td>
              <td>
                {h.active && (
                  <button type="button" onClick={() => void call('DELETE', `/api/webhooks/${h.id}`).then(load, (e: Error) => setError(e.message))}>
                    {t('hooksRemove')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

interface AuditEntry {
  id: number;
  at: string;
  actor: { username: string };
  action: string;
  target: string;
  detail: unknown;
}

function AuditTab() {
  const { t, formatTime } = useI18n();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void call<{ entries: AuditEntry[] }>('GET', '/api/audit?limit=200').then((r) => setEntries(r.entries), (e: Error) => setError(e.message)), []);
  return (
    <section className="panel wide">
      {error && <p className="error">{error}</p>}
      <div className="table-wrap">
        <table data-testid="audit-table">
          <thead>
            <tr>
              <th>{t('auditWhen')}</th>
              <th>{t('auditWho')}</th>
              <th>{t('auditWhat')}</th>
              <th>{t('auditTarget')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} title={JSON.stringify(e.detail)}>
                <td>{formatTime(e.at)}</td>
                <td>{e.actor.username}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.target}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

declare global {
  interface Window {
    /** The boundary editor's drawing, for end-to-end tests. */
    __hotspotsDraw?: TerraDraw;
  }
}
