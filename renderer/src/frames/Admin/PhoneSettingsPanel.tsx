import { useEffect, useState } from 'react';
import { Alert, Button, Checkbox, Group, NumberInput, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { ReasonCode } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';

const toText = (list: ReasonCode[]) => list.map((r) => `${r.code}=${r.label}`).join('\n');

/** One "code=标签" per line; returns the line numbers that do not parse. */
export function parseCodes(text: string): { list: ReasonCode[]; bad: number[] } {
  const list: ReasonCode[] = [];
  const bad: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const m = /^\s*([a-z0-9_]{1,32})\s*=\s*(.{1,16}?)\s*$/.exec(line);
    if (m) list.push({ code: m[1]!, label: m[2]! }); else bad.push(i + 1);
  });
  return { list, bad };
}

/** Not-ready reasons, wrap-up codes, the after-call work timer and the service-level threshold, as the centre sets them. */
export function PhoneSettingsPanel() {
  const { t } = useTranslation();
  const { api } = useApi();
  const [reasons, setReasons] = useState('');
  const [wrapUps, setWrapUps] = useState('');
  const [acw, setAcw] = useState<number | string>(30);
  const [serviceLevel, setServiceLevel] = useState<number | string>(20);
  const [selfTest, setSelfTest] = useState(false);
  const [echoNumber, setEchoNumber] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api.request('phone.getConfig', {}).then((r) => {
      if (!r.ok) return;
      setReasons(toText(r.value.notReadyReasons));
      setWrapUps(toText(r.value.wrapUpCodes));
      setAcw(r.value.acwSeconds);
      setServiceLevel(r.value.serviceLevelSeconds);
      setSelfTest(r.value.selfTestRequired);
      setEchoNumber(r.value.echoNumber ?? '');
    });
  }, [api]);

  const save = async () => {
    const a = parseCodes(reasons);
    const b = parseCodes(wrapUps);
    if (a.bad.length || b.bad.length) {
      setError(t('phoneSettings.badLines', { lines: [...a.bad.map((n) => `${t('phoneSettings.reasons')} ${n}`), ...b.bad.map((n) => `${t('phoneSettings.wrapUps')} ${n}`)].join('、') }));
      return;
    }
    const echo = echoNumber.trim();
    if (echo && !/^\+?[0-9*#]{1,32}$/.test(echo)) {
      setError(t('phoneSettings.badEcho'));
      return;
    }
    const r = await api.request('phone.setConfig', {
      notReadyReasons: a.list, wrapUpCodes: b.list, acwSeconds: Number(acw), serviceLevelSeconds: Number(serviceLevel),
      selfTestRequired: selfTest, echoNumber: echo || null,
    });
    if (!r.ok) { setError(errorMessage(r.error)); return; }
    setError(null);
    notifications.show({ color: 'teal', message: t('admin.users.saved') });
  };

  return (
    <Stack maw={900}>
      <Text size="sm" c="dimmed">{t('phoneSettings.hint')}</Text>
      {error && <Alert color="red" data-testid="phone-settings-error">{error}</Alert>}
      <SimpleGrid cols={2}>
        <Textarea label={t('phoneSettings.reasons')} autosize minRows={6} value={reasons} onChange={(e) => setReasons(e.currentTarget.value)} ff="monospace" />
        <Textarea label={t('phoneSettings.wrapUps')} autosize minRows={6} value={wrapUps} onChange={(e) => setWrapUps(e.currentTarget.value)} ff="monospace" />
      </SimpleGrid>
      <Group align="flex-start" gap="xl">
        <Checkbox label={t('phoneSettings.selfTest')} description={t('phoneSettings.selfTestHint')} checked={selfTest} onChange={(e) => setSelfTest(e.currentTarget.checked)} data-testid="self-test-required" />
        <TextInput w={240} label={t('phoneSettings.echoNumber')} description={t('phoneSettings.echoNumberHint')} value={echoNumber} onChange={(e) => setEchoNumber(e.currentTarget.value)} placeholder="9196" data-testid="echo-number" />
      </Group>
      <Group align="flex-end" justify="space-between">
        <Group align="flex-end">
          <NumberInput w={240} label={t('phoneSettings.acw')} min={0} max={600} value={acw} onChange={setAcw} />
          <NumberInput w={240} label={t('phoneSettings.serviceLevel')} description={t('phoneSettings.serviceLevelHint')} min={5} max={120} value={serviceLevel} onChange={setServiceLevel} data-testid="service-level-seconds" />
        </Group>
        <Button onClick={() => void save()} data-testid="phone-settings-save">{t('admin.users.save')}</Button>
      </Group>
    </Stack>
  );
}
