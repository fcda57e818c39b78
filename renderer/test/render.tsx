import type { ReactNode } from 'react';
import { render, type RenderResult } from '@testing-library/react';
import { MantineProvider } from '@mantine/core';
import type { ConsoleApi } from '../../shared/contract';
import { ApiProvider } from '../src/state/api';
import { theme } from '../src/theme';
import { fakeApi } from './fake-api';
import { ChineseDates } from '../src/components/DateFields';

/** Renders inside the providers every component expects, the Mantine way. */
export function renderWithProviders(ui: ReactNode, api: ConsoleApi = fakeApi()): RenderResult {
  return render(<MantineProvider theme={theme}><ChineseDates><ApiProvider api={api}>{ui}</ApiProvider></ChineseDates></MantineProvider>);
}
