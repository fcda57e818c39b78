import { memo, useEffect, useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Box, Text } from '@mantine/core';
import classes from './VirtualList.module.css';

export interface VirtualColumn<T> {
  key: string;
  /** Header text, already translated. */
  title: string;
  /** CSS grid track, e.g. '160px' or '1fr'. */
  width: string;
  render(row: T): ReactNode;
}

/**
 * A table whose rows are rendered only while on screen, so a list of a hundred thousand tickets
 * scrolls as smoothly as one of ten. Rows have a fixed height: the console's lists are one-liners.
 */
export function VirtualList<T>({ rows, columns, rowKey, rowHeight = 36, empty, onOpen, openOnClick = false, onEndReached, testId }: {
  /** The full list; only the visible slice is rendered. */
  rows: readonly T[];
  /** Column definitions, left to right. */
  columns: VirtualColumn<T>[];
  /** Stable key of a row. */
  rowKey(row: T): string;
  /** Row height in pixels. @default 36 */
  rowHeight?: number;
  /** Shown when there are no rows. */
  empty: ReactNode;
  /** Called on a double click or Enter on a row. */
  onOpen?(row: T): void;
  /** Open on a single click too (work queues, where a row is nothing but a way into its ticket). @default false */
  openOnClick?: boolean;
  /** Called when the last rows come into view, to load the next page. */
  onEndReached?(): void;
  /** data-testid of the scroll container. */
  testId?: string;
}) {
  const parentRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => parentRef.current, estimateSize: () => rowHeight, overscan: 12 });
  const template = columns.map((c) => c.width).join(' ');
  const items = v.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (onEndReached && rows.length > 0 && lastIndex >= rows.length - 5) onEndReached();
  }, [lastIndex, rows.length, onEndReached]);
  return (
    <Box style={{ display: 'flex', flexDirection: 'column', minHeight: 0, flex: 1 }}>
      <Box role="row" style={{ display: 'grid', gridTemplateColumns: template, gap: 8, borderBottom: '1px solid var(--mantine-color-default-border)' }}
        px="sm" py={6} bg="var(--mantine-color-default-hover)">
        {columns.map((c) => <Text key={c.key} size="xs" fw={600} c="dimmed" role="columnheader">{c.title}</Text>)}
      </Box>
      <Box ref={parentRef} style={{ overflow: 'auto', flex: 1, minHeight: 0 }} data-testid={testId} role="rowgroup">
        {rows.length === 0 ? <Box p="lg">{empty}</Box> : (
          <div style={{ height: v.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = rows[item.index]!;
              return <VirtualRow key={rowKey(row)} row={row} start={item.start} columns={columns} template={template} rowHeight={rowHeight} onOpen={onOpen} openOnClick={openOnClick} />;
            })}
          </div>
        )}
      </Box>
    </Box>
  );
}

interface VirtualRowProps<T> {
  row: T;
  start: number;
  columns: VirtualColumn<T>[];
  template: string;
  rowHeight: number;
  onOpen?(row: T): void;
  openOnClick: boolean;
}

/**
 * One row, drawn again only when its own props change: a list that replaces one row object (a live
 * board's changed seat) re-renders that row, not every row in view — given stable `columns` and
 * `onOpen` (memoised by the caller) and unchanged row objects for unchanged rows.
 */
const VirtualRow = memo(function VirtualRow<T>({ row, start, columns, template, rowHeight, onOpen, openOnClick }: VirtualRowProps<T>) {
  return (
    <Box role="row" tabIndex={0} px="sm"
      onClick={openOnClick ? () => onOpen?.(row) : undefined}
      onDoubleClick={openOnClick ? undefined : () => onOpen?.(row)} onKeyDown={(e) => { if (e.key === 'Enter') onOpen?.(row); }}
      style={{
        position: 'absolute', top: 0, left: 0, right: 0, height: rowHeight, transform: `translateY(${start}px)`,
        display: 'grid', gridTemplateColumns: template, alignItems: 'center', gap: 8,
        borderBottom: '1px solid var(--mantine-color-default-border)', cursor: onOpen ? 'pointer' : undefined,
      }}>
      <RowCells row={row} columns={columns} />
    </Box>
  );
}) as <T>(props: VirtualRowProps<T>) => ReactNode;

/** A row's cells: a row that only moved (a re-sorted live list) is shifted, its cells not drawn again. */
const RowCells = memo(function RowCells<T>({ row, columns }: { row: T; columns: VirtualColumn<T>[] }) {
  return columns.map((c) => <Box key={c.key} className={classes.cell} style={CELL_STYLE}>{c.render(row)}</Box>);
}) as <T>(props: { row: T; columns: VirtualColumn<T>[] }) => ReactNode;

const CELL_STYLE = { overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis', minWidth: 0 } as const;
