import { useMemo } from 'react';
import { Box, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { HotspotView } from '../../../../shared/contract';

const W = 520;
const H = 380;
const CELLS_X = 26;
const CELLS_Y = 19;
/** Pins for the leading hotspots only (and the selected one): a hundred pins hide the map. */
const PINS = 15;

interface Point { lat: number; lng: number }

/**
 * An offline map: no tiles, only the tickets' own coordinates. The city's extent is the box around
 * every hotspot ticket with a position; it is cut into a grid whose cells are shaded by how many
 * hotspot tickets fall in them (a heatmap), and the leading hotspots are numbered circles at their
 * centres.
 * The selected hotspot's tickets are drawn as dots on top.
 */
export function HotspotMap({ hotspots, selectedId, onSelect }: {
  /** Ranked hotspots; their rank is their index + 1. */
  hotspots: readonly HotspotView[];
  /** The hotspot whose tickets are drawn as dots. */
  selectedId: string | null;
  /** Clicking a hotspot's circle selects it. */
  onSelect(id: string): void;
}) {
  const { t } = useTranslation();
  const points = useMemo(() => hotspots.flatMap((h) => h.tickets.filter((x): x is typeof x & Point => x.lat !== null && x.lng !== null)), [hotspots]);
  const box = useMemo(() => {
    if (points.length === 0) return null;
    let [s, n, w, e] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const p of points) {
      s = Math.min(s, p.lat); n = Math.max(n, p.lat); w = Math.min(w, p.lng); e = Math.max(e, p.lng);
    }
    // A margin, and a minimum span so that one point does not fill the map.
    const padLat = Math.max(0.01, (n - s) * 0.08);
    const padLng = Math.max(0.01, (e - w) * 0.08);
    return { s: s - padLat, n: n + padLat, w: w - padLng, e: e + padLng };
  }, [points]);
  if (!box) {
    return <Box p="md" data-testid="hotspot-map-empty"><Text size="sm" c="dimmed">{t('hotspots.map.noCoordinates')}</Text></Box>;
  }
  const x = (lng: number) => ((lng - box.w) / (box.e - box.w)) * W;
  const y = (lat: number) => ((box.n - lat) / (box.n - box.s)) * H;
  const grid = new Map<string, number>();
  for (const p of points) {
    const cx = Math.min(CELLS_X - 1, Math.floor((x(p.lng) / W) * CELLS_X));
    const cy = Math.min(CELLS_Y - 1, Math.floor((y(p.lat) / H) * CELLS_Y));
    grid.set(`${cx},${cy}`, (grid.get(`${cx},${cy}`) ?? 0) + 1);
  }
  const max = Math.max(1, ...grid.values());
  const cw = W / CELLS_X;
  const ch = H / CELLS_Y;
  const selected = hotspots.find((h) => h.id === selectedId) ?? null;
  return (
    <Box data-testid="hotspot-map">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={t('hotspots.map.label')} style={{ background: 'var(--mantine-color-default-hover)', borderRadius: 6 }}>
        {[...Array(CELLS_X + 1).keys()].map((i) => <line key={`v${i}`} x1={i * cw} x2={i * cw} y1={0} y2={H} stroke="var(--mantine-color-default-border)" strokeWidth={0.5} />)}
        {[...Array(CELLS_Y + 1).keys()].map((i) => <line key={`h${i}`} y1={i * ch} y2={i * ch} x1={0} x2={W} stroke="var(--mantine-color-default-border)" strokeWidth={0.5} />)}
        {[...grid.entries()].map(([k, n]) => {
          const [cx, cy] = k.split(',').map(Number) as [number, number];
          return <rect key={k} data-testid="heat-cell" x={cx * cw} y={cy * ch} width={cw} height={ch} fill="var(--mantine-color-red-6)" fillOpacity={0.2 + 0.7 * Math.sqrt(n / max)}><title>{t('hotspots.map.cell', { count: n })}</title></rect>;
        })}
        {selected?.tickets.filter((p): p is typeof p & Point => p.lat !== null && p.lng !== null).map((p) => (
          <circle key={p.id} cx={x(p.lng)} cy={y(p.lat)} r={2.5} fill="var(--mantine-color-blue-7)" />
        ))}
        {hotspots.map((h, i) => h.center && (i < PINS || h.id === selectedId) && (
          <g key={h.id} data-testid="hotspot-pin" onClick={() => onSelect(h.id)} style={{ cursor: 'pointer' }}>
            <circle cx={x(h.center.lng)} cy={y(h.center.lat)} r={h.id === selectedId ? 11 : 8 + Math.min(4, Math.log1p(h.people))}
              fill={h.alert ? 'var(--mantine-color-red-7)' : 'var(--mantine-color-orange-5)'} stroke={h.id === selectedId ? 'var(--mantine-color-blue-7)' : 'white'} strokeWidth={h.id === selectedId ? 3 : 1.5} />
            <text x={x(h.center.lng)} y={y(h.center.lat) + 4} textAnchor="middle" fontSize={10} fill="white" fontWeight={700}>{i + 1}</text>
            <title>{`${i + 1}. ${h.title}`}</title>
          </g>
        ))}
      </svg>
      <Text size="xs" c="dimmed" mt={4}>{t('hotspots.map.legend')}</Text>
    </Box>
  );
}
