import { useEffect, useState } from 'react';
import { ActionIcon, Button, Popover, Select, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { loadDevices, saveDevices } from '../devices';
import { Ringtone } from '../ringtone';

/** Microphone, speaker and ring device for this seat, with a test ring on the chosen output. */
export function DeviceSettings() {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [choice, setChoice] = useState(loadDevices);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!opened) return;
    void (async () => {
      try {
        // Labels are only visible once the page may use the microphone.
        const s = await navigator.mediaDevices.getUserMedia({ audio: true });
        s.getTracks().forEach((tr) => tr.stop());
        setDevices(await navigator.mediaDevices.enumerateDevices());
        setError(null);
      } catch {
        setError(t('phone.devices.noAccess'));
      }
    })();
  }, [opened, t]);

  const list = (kind: MediaDeviceKind) => devices.filter((d) => d.kind === kind).map((d, i) => ({ value: d.deviceId, label: d.label || `${t('phone.devices.device')} ${i + 1}` }));
  const update = (patch: Partial<typeof choice>) => {
    const next = { ...choice, ...patch };
    setChoice(next);
    saveDevices(next);
  };
  const testRing = async () => {
    const r = new Ringtone();
    await r.start(choice.ringerId ?? choice.speakerId);
    setTimeout(() => r.stop(), 1200);
  };

  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={300} withArrow>
      <Popover.Target>
        <ActionIcon variant="subtle" color="gray" onClick={() => setOpened((o) => !o)} aria-label={t('phone.devices.title')} data-testid="device-settings">⚙</ActionIcon>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          <Text size="sm" fw={600}>{t('phone.devices.title')}</Text>
          {error && <Text size="xs" c="red">{error}</Text>}
          <Select size="xs" label={t('phone.devices.microphone')} data={list('audioinput')} value={choice.microphoneId ?? null} onChange={(v) => update({ microphoneId: v ?? undefined })} clearable placeholder={t('phone.devices.default')} />
          <Select size="xs" label={t('phone.devices.speaker')} data={list('audiooutput')} value={choice.speakerId ?? null} onChange={(v) => update({ speakerId: v ?? undefined })} clearable placeholder={t('phone.devices.default')} />
          <Select size="xs" label={t('phone.devices.ringer')} data={list('audiooutput')} value={choice.ringerId ?? null} onChange={(v) => update({ ringerId: v ?? undefined })} clearable placeholder={t('phone.devices.sameAsSpeaker')} />
          <Button size="xs" variant="light" onClick={() => void testRing()}>{t('phone.devices.testRing')}</Button>
          <Text size="xs" c="dimmed">{t('phone.devices.hint')}</Text>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
