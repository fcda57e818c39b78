import { createContext, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { Kbd, Modal, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ShortcutRegistry, type ShortcutDef } from './registry';

const RegistryContext = createContext<ShortcutRegistry | null>(null);

function isTextInput(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/** Owns the registry and the global key listener, and shows the help overlay (F1 or ?). */
export function ShortcutsProvider({ children }: { /** The app whose shortcuts are registered below. */ children: ReactNode }) {
  const registry = useMemo(() => new ShortcutRegistry(), []);
  const [helpOpen, setHelpOpen] = useState(false);
  useEffect(() => {
    const offs = [
      registry.register({ id: 'help', combo: 'f1', labelKey: 'shortcuts.help', inInputs: true, run: () => setHelpOpen((o) => !o) }),
      registry.register({ id: 'help2', combo: '?', labelKey: 'shortcuts.help', run: () => setHelpOpen((o) => !o) }),
    ];
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      if (registry.handle(e, isTextInput(e.target))) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      offs.forEach((off) => off());
    };
  }, [registry]);
  return (
    <RegistryContext.Provider value={registry}>
      {children}
      <ShortcutHelp registry={registry} opened={helpOpen} onClose={() => setHelpOpen(false)} />
    </RegistryContext.Provider>
  );
}

function ShortcutHelp({ registry, opened, onClose }: {
  /** Source of the shortcuts listed. */
  registry: ShortcutRegistry;
  /** Whether the overlay is shown. */
  opened: boolean;
  /** Called on Escape, the close button or F1. */
  onClose(): void;
}) {
  const { t } = useTranslation();
  const list = useSyncExternalStore((l) => registry.subscribe(l), () => registry.list().map((e) => `${e.combo}|${e.labelKey}|${JSON.stringify(e.labelParams ?? {})}`).join('\n'));
  const rows = list ? list.split('\n').map((line) => {
    const [combo = '', labelKey = '', params = '{}'] = line.split('|');
    return { combo, labelKey, params: JSON.parse(params) as Record<string, string | number> };
  }) : [];
  return (
    <Modal opened={opened} onClose={onClose} title={t('shortcuts.title')} size="md" data-testid="shortcut-help">
      <Table striped>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.combo}>
              <Table.Td w={160}>{r.combo.split('+').map((k, i) => <span key={k}>{i > 0 && ' + '}<Kbd>{k.length === 1 ? k.toUpperCase() : k.replace(/^./, (c) => c.toUpperCase())}</Kbd></span>)}</Table.Td>
              <Table.Td><Text size="sm">{t(r.labelKey, r.params)}</Text></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  );
}

/** Registers a shortcut while the calling component is mounted; `run` may change between renders. */
export function useShortcut(def: Omit<ShortcutDef, 'run'> & { run(): void; enabled?: boolean }) {
  const registry = useContext(RegistryContext);
  const runRef = useRef(def.run);
  runRef.current = def.run;
  const { id, combo, labelKey, inInputs, fallback, enabled = true } = def;
  const params = JSON.stringify(def.labelParams ?? {});
  useEffect(() => {
    if (!registry || !enabled) return;
    return registry.register({ id, combo, labelKey, inInputs, fallback, labelParams: JSON.parse(params) as Record<string, string | number>, run: () => runRef.current() });
  }, [registry, id, combo, labelKey, inInputs, fallback, enabled, params]);
}
