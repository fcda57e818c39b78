import { useState } from 'react';
import { Stack, Tabs } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ClassCases } from '../../proactive/ClassCases';
import { MonthlyAnalysis } from '../../proactive/MonthlyAnalysis';
import { pendingClassCase } from '../../proactive/open';
import { useSession } from '../../state/session';

/** 未诉先办: class cases (类案) run as rectification projects, and the monthly analysis. */
export function Proactive() {
  const { t } = useTranslation();
  // A case just made in ticket search opens here at once.
  const [initial] = useState(() => pendingClassCase());
  const [tab, setTab] = useState<string | null>('cases');
  // Department liaisons work their class cases' counters and measures; the analysis is the center's.
  const { session } = useSession();
  const analyst = !!session?.user.roles.some((r) => r === 'shift_lead' || r === 'cppcc_member' || r === 'admin');
  return (
    <Stack gap={0} style={{ flex: 1, minHeight: 0, height: '100%' }}>
      <Tabs value={tab} onChange={setTab} keepMounted={false} style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}>
        <Tabs.List px="sm">
          <Tabs.Tab value="cases" data-testid="tab-class-cases">{t('proactive.tabs.cases')}</Tabs.Tab>
          {analyst && <Tabs.Tab value="monthly" data-testid="tab-monthly">{t('proactive.tabs.monthly')}</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="cases" p="md" style={{ flex: 1, minHeight: 0, display: 'flex' }}>
          <ClassCases initialId={initial} />
        </Tabs.Panel>
        {analyst && (
          <Tabs.Panel value="monthly" style={{ flex: 1, minHeight: 0, overflow: 'auto' }}>
            <MonthlyAnalysis />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}
