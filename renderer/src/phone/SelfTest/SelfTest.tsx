import { useRef, useState } from 'react';
import { Alert, Badge, Button, Group, Modal, Progress, Stack, Text, ThemeIcon } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SelfTestResult, SelfTestStep, SelfTestStepName } from '../../../../shared/contract';
import { useApi } from '../../state/api';
import { errorMessage } from '../../i18n';
import { loadDevices } from '../devices';

/** The microphone must reach this RMS level (0..1) at least once while it listens: a voice, a breath, a beep. */
const MIC_MIN_LEVEL = 0.01;
const MIC_LISTEN_MS = 2000;
const TONE_MS = 1200;

type Phase = 'idle' | 'microphone' | 'speaker' | 'asking' | 'echo' | 'saving' | 'done';

/** The microphone's peak RMS over MIC_LISTEN_MS, through the seat's chosen device. */
async function listenToMicrophone(onLevel: (level: number) => void): Promise<{ ok: boolean; level: number; cause?: string }> {
  let stream: MediaStream;
  try {
    const mic = loadDevices().microphoneId;
    stream = await navigator.mediaDevices.getUserMedia({ audio: mic ? { deviceId: { exact: mic } } : true });
  } catch {
    return { ok: false, level: 0, cause: 'mic_no_access' };
  }
  const ctx = new AudioContext();
  try {
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 2048;
    ctx.createMediaStreamSource(stream).connect(analyser);
    const buf = new Float32Array(analyser.fftSize);
    let peak = 0;
    const until = performance.now() + MIC_LISTEN_MS;
    while (performance.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const v of buf) sum += v * v;
      const rms = Math.sqrt(sum / buf.length);
      peak = Math.max(peak, rms);
      onLevel(rms);
    }
    return peak >= MIC_MIN_LEVEL ? { ok: true, level: Math.min(1, peak) } : { ok: false, level: peak, cause: 'mic_silent' };
  } finally {
    stream.getTracks().forEach((t) => t.stop());
    void ctx.close();
  }
}

/** A 1 kHz tone on the seat's chosen speaker (the same output the call audio uses). */
async function playTone(): Promise<boolean> {
  const ctx = new AudioContext();
  try {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    gain.gain.value = 0.2;
    osc.frequency.value = 1000;
    const out = ctx.createMediaStreamDestination();
    osc.connect(gain).connect(out);
    const el = new Audio() as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    el.srcObject = out.stream;
    const speaker = loadDevices().speakerId;
    if (speaker && el.setSinkId) await el.setSinkId(speaker);
    osc.start();
    await el.play();
    await new Promise((r) => setTimeout(r, TONE_MS));
    osc.stop();
    el.srcObject = null;
    return true;
  } catch {
    return false;
  } finally {
    void ctx.close();
  }
}

const ORDER: SelfTestStepName[] = ['microphone', 'speaker', 'registration', 'echo'];

/**
 * The pre-shift self-test (上岗自检): microphone level, a test tone the agent confirms, registration
 * and, where the admin set an echo number, an echo call through the PBX. Main records the result and
 * lets the agent go 就绪 once every step passed; a failed step says what to check.
 */
export function SelfTest({ opened, onClose, echo, onPassed }: {
  opened: boolean;
  onClose: () => void;
  /** The admin set an echo test number: the test calls it. */
  echo: boolean;
  /** Every step passed: the caller may set the agent ready. */
  onPassed: () => void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [phase, setPhase] = useState<Phase>('idle');
  const [level, setLevel] = useState(0);
  const [result, setResult] = useState<SelfTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const measured = useRef<{ step: SelfTestStepName; ok: boolean; level?: number; cause?: string }[]>([]);

  const run = async () => {
    setResult(null);
    setError(null);
    measured.current = [];
    setPhase('microphone');
    const mic = await listenToMicrophone(setLevel);
    measured.current.push({ step: 'microphone', ok: mic.ok, level: mic.level, ...(mic.cause ? { cause: mic.cause } : {}) });
    setPhase('speaker');
    const played = await playTone();
    if (!played) {
      measured.current.push({ step: 'speaker', ok: false, cause: 'speaker_failed' });
      await finish();
      return;
    }
    setPhase('asking');
  };

  const heard = async (yes: boolean) => {
    measured.current.push(yes ? { step: 'speaker', ok: true } : { step: 'speaker', ok: false, cause: 'speaker_not_heard' });
    await finish();
  };

  const finish = async () => {
    if (echo) {
      setPhase('echo');
      const r = await api.request('phone.selfTestEcho', {});
      if (!r.ok) {
        setError(errorMessage(r.error));
        setPhase('idle');
        return;
      }
    }
    setPhase('saving');
    const r = await api.request('phone.selfTestResult', { steps: measured.current });
    if (!r.ok) {
      setError(errorMessage(r.error));
      setPhase('idle');
      return;
    }
    setResult(r.value);
    setPhase('done');
  };

  const busy = phase !== 'idle' && phase !== 'done';
  const steps = result ? [...result.steps].sort((a, b) => ORDER.indexOf(a.step) - ORDER.indexOf(b.step)) : [];

  return (
    <Modal opened={opened} onClose={() => { if (!busy) onClose(); }} title={t('phone.selfTest.title')} size="md" closeOnClickOutside={!busy} data-testid="self-test">
      <Stack gap="sm">
        {phase === 'idle' && !result && (
          <>
            <Text size="sm">{t('phone.selfTest.intro')}</Text>
            <Text size="xs" c="dimmed">{echo ? t('phone.selfTest.stepsWithEcho') : t('phone.selfTest.steps')}</Text>
          </>
        )}
        {phase === 'microphone' && (
          <Stack gap={4}>
            <Text size="sm">{t('phone.selfTest.speakNow')}</Text>
            <Progress value={Math.min(100, level * 400)} color={level >= MIC_MIN_LEVEL ? 'teal' : 'gray'} aria-label={t('phone.selfTest.micLevel')} data-testid="self-test-mic-level" />
          </Stack>
        )}
        {phase === 'speaker' && <Text size="sm">{t('phone.selfTest.playingTone')}</Text>}
        {phase === 'asking' && (
          <Stack gap="xs">
            <Text size="sm">{t('phone.selfTest.heardTone')}</Text>
            <Group grow>
              <Button color="teal" onClick={() => void heard(true)} data-testid="self-test-heard">{t('phone.selfTest.heard')}</Button>
              <Button variant="default" onClick={() => void heard(false)} data-testid="self-test-not-heard">{t('phone.selfTest.notHeard')}</Button>
            </Group>
            <Button variant="subtle" size="xs" onClick={() => void playTone()}>{t('phone.selfTest.replayTone')}</Button>
          </Stack>
        )}
        {phase === 'echo' && <Text size="sm" data-testid="self-test-echo-running">{t('phone.selfTest.echoRunning')}</Text>}
        {phase === 'saving' && <Text size="sm">{t('phone.selfTest.saving')}</Text>}
        {error && <Alert color="red" data-testid="self-test-error">{error}</Alert>}
        {result && (
          <Stack gap="xs" data-testid="self-test-result">
            {steps.map((s) => <StepLine key={s.step} step={s} />)}
            <Alert color={result.passed ? 'teal' : 'red'} data-testid="self-test-verdict">
              {result.passed ? t('phone.selfTest.passed') : t('phone.selfTest.failed')}
            </Alert>
          </Stack>
        )}
        <Group justify="flex-end">
          {result?.passed ? (
            <Button color="teal" onClick={() => { onClose(); onPassed(); }} data-testid="self-test-ready">{t('phone.selfTest.goReady')}</Button>
          ) : (
            <Button onClick={() => void run()} loading={busy} disabled={busy} data-testid="self-test-start">{result ? t('phone.selfTest.again') : t('phone.selfTest.start')}</Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}

function StepLine({ step }: { /** One recorded step. */ step: SelfTestStep }) {
  const { t } = useTranslation();
  const cause = step.cause?.startsWith('registration_') ? 'registration' : step.cause;
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start" data-testid={`self-test-step-${step.step}`} data-ok={step.ok}>
      <ThemeIcon size="sm" radius="xl" color={step.ok ? 'teal' : 'red'} mt={2}>{step.ok ? '✓' : '✕'}</ThemeIcon>
      <Stack gap={0} style={{ flex: 1 }}>
        <Group gap={6}>
          <Text size="sm" fw={600}>{t(`phone.selfTest.step.${step.step}`)}</Text>
          <Badge size="xs" variant="light" color={step.ok ? 'teal' : 'red'}>{step.ok ? t('phone.selfTest.ok') : t('phone.selfTest.notOk')}</Badge>
        </Group>
        {!step.ok && cause && <Text size="xs" c="red">{t(`phone.selfTest.cause.${cause}`, { defaultValue: t('phone.selfTest.cause.not_run') })}</Text>}
      </Stack>
    </Group>
  );
}
