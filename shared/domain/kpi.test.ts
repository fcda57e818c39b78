import { describe, expect, it } from 'vitest';
import {
  abandonRate, answerRate, averageAfterCallWork, averageHandleTime, directResolutionRate, onTimeClosureRate, ratio,
  reopenRate, resolutionRate, responseRate, returnRate, satisfactionRate, serviceLevel,
} from './kpi';

const rates = {
  responseRate, resolutionRate, satisfactionRate, onTimeClosureRate, reopenRate, returnRate, directResolutionRate,
  answerRate, abandonRate, serviceLevel,
};

describe('rates', () => {
  it.each(Object.entries(rates))('%s is part / whole', (_name, rate) => {
    expect(rate(45, 50)).toBe(0.9);
    expect(rate(0, 8)).toBe(0);
    expect(rate(8, 8)).toBe(1);
  });

  it.each(Object.entries(rates))('%s is null, not NaN, with nothing to measure', (_name, rate) => {
    expect(rate(0, 0)).toBeNull();
  });

  it.each(Object.entries(rates))('%s refuses counts that cannot be right', (_name, rate) => {
    expect(() => rate(6, 5)).toThrow(RangeError);
    expect(() => rate(-1, 5)).toThrow(RangeError);
    expect(() => rate(1.5, 5)).toThrow(RangeError);
    expect(() => rate(1, Number.NaN)).toThrow(RangeError);
  });

  it('gives the 三率 of a realistic week', () => {
    // 1 200 dispatches with known outcome, 1 164 signed in time; 800 return visits.
    expect(responseRate(1164, 1200)).toBeCloseTo(0.97, 10);
    expect(resolutionRate(712, 800)).toBeCloseTo(0.89, 10);
    expect(satisfactionRate(736, 800)).toBeCloseTo(0.92, 10);
    expect(ratio(1, 3)).toBeCloseTo(1 / 3, 12);
  });
});

describe('averages', () => {
  it('averages handle time over talk, hold and after-call work', () => {
    expect(averageHandleTime(3000, 600, 1200, 20)).toBe(240);
    expect(averageAfterCallWork(1200, 20)).toBe(60);
  });

  it('is null with no calls and refuses negative or fractional inputs', () => {
    expect(averageHandleTime(0, 0, 0, 0)).toBeNull();
    expect(averageAfterCallWork(0, 0)).toBeNull();
    expect(() => averageHandleTime(-1, 0, 0, 1)).toThrow(RangeError);
    expect(() => averageHandleTime(1, Number.POSITIVE_INFINITY, 0, 1)).toThrow(RangeError);
    expect(() => averageAfterCallWork(10, 1.5)).toThrow(RangeError);
  });
});
