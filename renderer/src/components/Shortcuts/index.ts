export { ShortcutsProvider, useShortcut } from './Shortcuts';
export { ShortcutRegistry, comboOf, normalizeCombo } from './registry';
