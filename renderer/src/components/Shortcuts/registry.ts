/** A key combination in a canonical form: modifiers in the order ctrl, alt, shift, then the key. */
export type Combo = string;

export interface ShortcutDef {
  id: string;
  /** e.g. 'ctrl+k', 'alt+1', 'f1', '?' */
  combo: Combo;
  /** Catalogue key describing the action in the help overlay. */
  labelKey: string;
  labelParams?: Record<string, string | number>;
  /** Runs even while the focus is in a text field (function keys, Ctrl combos). @default false */
  inInputs?: boolean;
  /**
   * Used only while no other registration of the combo is live: a frame's "bring that screen
   * forward" for keys its child screens own when shown (React registers children before parents,
   * so newest-wins alone would let the frame shadow the screen). @default false
   */
  fallback?: boolean;
  run(): void;
}

export function normalizeCombo(combo: string): Combo {
  const parts = combo.toLowerCase().split('+').map((p) => p.trim());
  const key = parts.pop() ?? '';
  const mods = ['ctrl', 'alt', 'shift'].filter((m) => parts.includes(m) || (m === 'ctrl' && parts.includes('mod')));
  return [...mods, key].join('+');
}

/** The combo a keyboard event stands for. Shift is implied by printable symbols such as '?'. */
export function comboOf(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): Combo {
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key.toLowerCase();
  const printableSymbol = e.key.length === 1 && !/[a-z0-9]/i.test(e.key);
  const mods: string[] = [];
  if (e.ctrlKey || e.metaKey) mods.push('ctrl');
  if (e.altKey) mods.push('alt');
  if (e.shiftKey && !printableSymbol) mods.push('shift');
  return [...mods, key].join('+');
}

/**
 * Holds the shortcuts of the screens on display. A later registration of the same combo wins
 * while it lives (a dialog over a frame), and the earlier one is back when it is removed.
 */
export class ShortcutRegistry {
  private entries: ShortcutDef[] = [];
  private listeners = new Set<() => void>();

  register(def: ShortcutDef): () => void {
    const entry = { ...def, combo: normalizeCombo(def.combo) };
    this.entries.push(entry);
    this.emit();
    return () => {
      this.entries = this.entries.filter((e) => e !== entry);
      this.emit();
    };
  }

  /** The live entries, fallbacks behind the others: the one that would run comes last. */
  private ordered(): ShortcutDef[] {
    return [...this.entries.filter((e) => e.fallback), ...this.entries.filter((e) => !e.fallback)];
  }

  list(): ShortcutDef[] {
    const seen = new Set<string>();
    return this.ordered().reverse().filter((e) => !seen.has(e.combo) && seen.add(e.combo)).reverse();
  }

  /** Returns true when a shortcut handled the event. */
  handle(e: KeyboardEvent, inInput: boolean): boolean {
    const combo = comboOf(e);
    const entries = this.ordered();
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i]!;
      if (entry.combo !== combo) continue;
      if (inInput && !entry.inInputs) return false;
      entry.run();
      return true;
    }
    return false;
  }

  subscribe(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private emit() {
    for (const l of this.listeners) l();
  }
}
