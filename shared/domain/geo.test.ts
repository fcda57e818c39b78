import { describe, expect, it } from 'vitest';
import { formatCoordinates, parseCoordinates } from './geo';

describe('coordinates typed by an agent', () => {
  it('recognises the order of longitude and latitude within China', () => {
    expect(parseCoordinates('116.397128,39.916527')).toEqual({ ok: true, lng: 116.397128, lat: 39.916527 });
    expect(parseCoordinates('39.916527, 116.397128')).toEqual({ ok: true, lng: 116.397128, lat: 39.916527 });
    expect(parseCoordinates('  121.47 31.23 ')).toEqual({ ok: true, lng: 121.47, lat: 31.23 });
    expect(parseCoordinates('１２１．４７，３１．２３')).toEqual({ ok: true, lng: 121.47, lat: 31.23 }); // full-width, from an IME
  });

  it('refuses what is not a pair of numbers, and places outside China', () => {
    for (const bad of ['', '116.39', '116.39,39.9,1', 'abc,def', '116.39,', '1e2,39', '116..3,39']) expect(parseCoordinates(bad), bad).toEqual({ ok: false, problem: 'format' });
    expect(parseCoordinates('-74.006,40.7128')).toEqual({ ok: false, problem: 'outside_china' });
    expect(parseCoordinates('2.35,48.85')).toEqual({ ok: false, problem: 'outside_china' });
  });

  it('shows longitude first with six decimals', () => {
    expect(formatCoordinates({ lat: 39.9165, lng: 116.3971 })).toBe('116.397100, 39.916500');
  });
});
