import { Stack, Tabs } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { UsersPanel } from './UsersPanel';
import { AuditPanel } from './AuditPanel';
import { DataPanel } from './DataPanel';
import { ImportExportPanel } from './ImportExportPanel';
import { PhoneSettingsPanel } from './PhoneSettingsPanel';
import { RecordingPolicyPanel } from './RecordingPolicyPanel';
import { AlertSettingsPanel } from './AlertSettingsPanel';
import { CalendarPanel } from './CalendarPanel';
import { DeadlinePolicyPanel } from './DeadlinePolicyPanel';
import { DivisionsPanel } from './DivisionsPanel';

/** Administration: users and roles, the audit trail, and what the store holds. */
export function Admin() {
  const { t } = useTranslation();
  return (
    <Tabs defaultValue="users" keepMounted={false} p="md" style={{ display: 'flex', flexDirection: 'column', flex: 1, minHeight: 0 }}>
      <Tabs.List>
        <Tabs.Tab value="users">{t('admin.tabs.users')}</Tabs.Tab>
        <Tabs.Tab value="audit">{t('admin.tabs.audit')}</Tabs.Tab>
        <Tabs.Tab value="data">{t('admin.tabs.data')}</Tabs.Tab>
        <Tabs.Tab value="excel">{t('admin.tabs.excel')}</Tabs.Tab>
        <Tabs.Tab value="phone">{t('admin.tabs.phone')}</Tabs.Tab>
        <Tabs.Tab value="alerts">{t('admin.tabs.alerts')}</Tabs.Tab>
        <Tabs.Tab value="calendar">{t('admin.tabs.calendar')}</Tabs.Tab>
        <Tabs.Tab value="deadlines">{t('admin.tabs.deadlines')}</Tabs.Tab>
        <Tabs.Tab value="divisions">{t('admin.tabs.divisions')}</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="users" pt="md"><UsersPanel /></Tabs.Panel>
      <Tabs.Panel value="audit" pt="md" style={{ flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }}><AuditPanel /></Tabs.Panel>
      <Tabs.Panel value="data" pt="md"><DataPanel /></Tabs.Panel>
      <Tabs.Panel value="excel" pt="md"><ImportExportPanel /></Tabs.Panel>
      <Tabs.Panel value="phone" pt="md"><Stack><PhoneSettingsPanel /><RecordingPolicyPanel /></Stack></Tabs.Panel>
      <Tabs.Panel value="alerts" pt="md"><AlertSettingsPanel /></Tabs.Panel>
      <Tabs.Panel value="calendar" pt="md"><CalendarPanel /></Tabs.Panel>
      <Tabs.Panel value="deadlines" pt="md"><DeadlinePolicyPanel /></Tabs.Panel>
      <Tabs.Panel value="divisions" pt="md"><DivisionsPanel /></Tabs.Panel>
    </Tabs>
  );
}
