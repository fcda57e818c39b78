import { describe, expect, it } from 'vitest';
import { fillScript, greetingAt } from './fillScript';

describe('fillScript', () => {
  const ctx = { agentNumber: 'agent01', agentName: '李娜', now: new Date('2026-11-28T01:30:00Z') };

  it('fills the agent number, name and a time-of-day greeting in China time', () => {
    expect(fillScript('您好，12345 政务服务便民热线，工号 {工号} 为您服务', ctx)).toBe('您好，12345 政务服务便民热线，工号 agent01 为您服务');
    expect(fillScript('{问候语}，我是{姓名}（{坐席工号}）', ctx)).toBe('上午好，我是李娜（agent01）');
    expect(fillScript('｛工号｝', ctx)).toBe('agent01');
  });

  it('says 先生/女士 for an unknown caller and keeps unknown placeholders visible', () => {
    expect(fillScript('{来电人}您好', ctx)).toBe('先生/女士您好');
    expect(fillScript('{来电人}您好', { ...ctx, callerName: '王先生' })).toBe('王先生您好');
    expect(fillScript('请核对{身份证}', ctx)).toBe('请核对{身份证}');
  });

  it('greets by the hour in Beijing whatever the machine zone', () => {
    expect(greetingAt(new Date('2026-11-28T04:00:00Z'))).toBe('中午好');
    expect(greetingAt(new Date('2026-11-28T07:00:00Z'))).toBe('下午好');
    expect(greetingAt(new Date('2026-11-28T13:00:00Z'))).toBe('晚上好');
    expect(greetingAt(new Date('2026-11-27T23:00:00Z'))).toBe('上午好');
  });
});
