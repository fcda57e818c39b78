import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import type { KnowledgeHit } from '../../../../shared/contract';
import { renderWithProviders } from '../../../test/render';
import { fakeApi } from '../../../test/fake-api';
import { SessionProvider } from '../../state/session';
import { AssistPanel } from './AssistPanel';

const hit: KnowledgeHit = { id: '0192f000-0000-7000-8000-000000000001', title: '居住证办理：办理指引', source: '《江城市户籍证件管理条例》', snippet: '【适用情形】…', categoryPath: '公安 / 户籍 / 居住证', valid: true, validUntil: null };

describe('AssistPanel knowledge', () => {
  it('lists the articles the center answers', async () => {
    const api = fakeApi({ 'scripts.list': (() => ({ ok: true, value: [] })) as never, 'knowledge.search': (() => ({ ok: true, value: [hit] })) as never });
    renderWithProviders(<SessionProvider><AssistPanel categoryId={null} onUseAnswer={() => undefined} /></SessionProvider>, api);
    expect(await screen.findByText('居住证办理：办理指引')).toBeInTheDocument();
    expect(screen.queryByTestId('kb-problem')).toBeNull();
  });

  it('says the center cannot be reached instead of "nothing found" when the knowledge base cannot be read', async () => {
    const api = fakeApi({ 'scripts.list': (() => ({ ok: true, value: [] })) as never, 'knowledge.search': (() => ({ ok: false, error: { code: 'center_unreachable' } })) as never });
    renderWithProviders(<SessionProvider><AssistPanel categoryId={null} onUseAnswer={() => undefined} /></SessionProvider>, api);
    expect(await screen.findByTestId('kb-problem')).toHaveTextContent('无法连接中心');
    expect(screen.queryByText('没有找到相关文章')).toBeNull();
  });
});
