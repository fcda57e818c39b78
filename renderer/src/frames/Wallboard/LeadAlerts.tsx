import { useEffect, useState } from 'react';
import { Box, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { LeadAlertView } from '../../../../shared/contract';
import { useApi } from '../../state/api';

/** The alerts raised now: read on connect, then kept by `lead.alert` (raised once, cleared once). */
export function useLeadAlerts(): LeadAlertView[] {
  const { api, connected } = useApi();
  const [alerts, setAlerts] = useState<LeadAlertView[]>([]);
  useEffect(() => {
    if (!connected) return;
    let live = true;
    void api.request('wallboard.alerts', {}).then((r) => { if (live && r.ok) setAlerts(r.value); });
    const off = api.on('lead.alert', (c) => setAlerts((list) => {
      const rest = list.filter((a) => a.kind !== c.alert.kind);
      return c.state === 'raised' ? [...rest, c.alert] : rest;
    }));
    return () => { live = false; off(); };
  }, [api, connected]);
  return alerts;
}

/** The sentence for one alert, e.g. 服务水平 72.5%，低于目标 80%. */
export function useAlertText() {
  const { t } = useTranslation();
  return (a: LeadAlertView) => t(`wallboard.alerts.${a.kind}`, { value: a.value, threshold: a.threshold });
}

/**
 * Notices in the lead's console: one that stays when an alert is raised (main raises each breach
 * once), taken down with a short "recovered" notice when it clears.
 */
export function LeadAlertNotices() {
  const { t } = useTranslation();
  const { api } = useApi();
  const text = useAlertText();
  useEffect(() => api.on('lead.alert', (c) => {
    const id = `lead-alert-${c.alert.kind}`;
    if (c.state === 'raised') {
      notifications.show({ id, color: 'red', title: t('wallboard.alerts.raised'), message: text(c.alert), autoClose: false });
    } else {
      notifications.hide(id);
      notifications.show({ color: 'teal', message: t('wallboard.alerts.cleared', { what: t(`wallboard.alerts.names.${c.alert.kind}`) }), autoClose: 8000 });
    }
  }), [api, t, text]);
  return null;
}

/** The wall's alert band: every alert raised now in large type, or a quiet line when all is well. */
export function LeadAlertBand({ alerts }: {
  /** The alerts raised now. */
  alerts: LeadAlertView[];
}) {
  const { t } = useTranslation();
  const text = useAlertText();
  if (alerts.length === 0) {
    return <Box px="xl" py="xs" bg="teal.8" data-testid="wall-alert-band-clear"><Text fz={28} fw={600} c="white">{t('wallboard.wall.allClear')}</Text></Box>;
  }
  return (
    <Box px="xl" py="md" bg="red.8" data-testid="wall-alert-band" role="alert">
      <Group gap="xl">
        {alerts.map((a) => <Text key={a.kind} fz={36} fw={800} c="white" data-testid={`wall-alert-${a.kind}`}>⚠ {text(a)}</Text>)}
      </Group>
    </Box>
  );
}
