import { useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { useSession } from '../session.tsx';
import type { ReferenceData } from './ReviewView.tsx';
import { SecondFactor } from '../components/SecondFactor.tsx';
import { AreasTab } from './admin/AreasTab.tsx';
import { ImportTab } from './admin/ImportTab.tsx';
import { PeopleTab } from './admin/PeopleTab.tsx';
import { KeysTab } from './admin/KeysTab.tsx';
import { WebhooksTab } from './admin/WebhooksTab.tsx';
import { AuditTab } from './admin/AuditTab.tsx';
import { RulesTab } from './admin/RulesTab.tsx';

// The office's and admin's tools, a tab each (web/views/admin/): area boundaries drawn on the map, imports with a
// dry run, the rules (time limits, score weights, working calendar), people, API keys for Open311 clients, webhooks to group chats, and the audit log.

type Tab = 'areas' | 'rules' | 'import' | 'people' | 'keys' | 'webhooks' | 'audit';
const TABS: { tab: Tab; label: MessageKey; roles: string[] }[] = [
  { tab: 'areas', label: 'adminAreas', roles: ['admin', 'office'] },
  { tab: 'rules', label: 'adminRules', roles: ['admin', 'office'] },
  { tab: 'import', label: 'adminImport', roles: ['admin', 'office'] },
  { tab: 'people', label: 'adminPeople', roles: ['admin'] },
  { tab: 'keys', label: 'adminKeys', roles: ['admin'] },
  { tab: 'webhooks', label: 'adminWebhooks', roles: ['admin'] },
  { tab: 'audit', label: 'adminAudit', roles: ['admin'] },
];

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
      {tab === 'rules' && <RulesTab timezone={data.township.timezone} />}
      {tab === 'import' && <ImportTab />}
      {tab === 'people' && <PeopleTab data={data} />}
      {tab === 'people' && user.role === 'admin' && <SecondFactor />}
      {tab === 'keys' && <KeysTab />}
      {tab === 'webhooks' && <WebhooksTab />}
      {tab === 'audit' && <AuditTab />}
    </div>
  );
}
