import { describe, expect, it } from 'vitest';
import { categoryPaths, joinCategoryPath, splitCategoryPath } from './taxonomy';

describe('category paths', () => {
  it('joins each category\'s ancestors from the top', () => {
    const paths = categoryPaths([
      { id: 'c', name: '路灯不亮', parentId: 'b' }, { id: 'a', name: '城乡建设', parentId: null }, { id: 'b', name: '市政设施', parentId: 'a' },
    ]);
    expect(paths.get('c')).toBe('城乡建设 / 市政设施 / 路灯不亮');
    expect(paths.get('a')).toBe('城乡建设');
  });

  it('survives a parent that is missing or a cycle in bad data', () => {
    const paths = categoryPaths([{ id: 'x', name: '孤儿', parentId: 'gone' }, { id: 'p', name: '甲', parentId: 'q' }, { id: 'q', name: '乙', parentId: 'p' }]);
    expect(paths.get('x')).toBe('孤儿');
    expect(paths.get('p')!.split(' / ')).toHaveLength(32);
  });

  it('joins level names the one way every view shows them, leaving out missing levels', () => {
    expect(joinCategoryPath(['城乡建设', '市政设施', '路灯不亮'])).toBe('城乡建设 / 市政设施 / 路灯不亮');
    expect(joinCategoryPath(['城乡建设', null, undefined, '', ' 路灯不亮 '])).toBe('城乡建设 / 路灯不亮');
    expect(joinCategoryPath([null, null])).toBe('');
  });

  it('reads a path however people typed it, and round-trips what it shows', () => {
    for (const typed of ['城乡建设/市政设施/路灯不亮', '城乡建设 / 市政设施 / 路灯不亮', '城乡建设／市政设施／路灯不亮', '城乡建设 > 市政设施>路灯不亮', ' 城乡建设//市政设施/路灯不亮/ ']) {
      expect(splitCategoryPath(typed), typed).toEqual(['城乡建设', '市政设施', '路灯不亮']);
    }
    expect(splitCategoryPath('路灯不亮')).toEqual(['路灯不亮']);
    expect(splitCategoryPath('  ')).toEqual([]);
    const shown = categoryPaths([{ id: 'a', name: '甲', parentId: null }, { id: 'b', name: '乙', parentId: 'a' }]).get('b')!;
    expect(joinCategoryPath(splitCategoryPath(shown))).toBe(shown);
  });
});
