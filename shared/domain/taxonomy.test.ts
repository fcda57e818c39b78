import { describe, expect, it } from 'vitest';
import { categoryPaths } from './taxonomy';

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
});
