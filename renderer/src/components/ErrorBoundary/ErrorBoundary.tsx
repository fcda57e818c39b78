import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Alert, Button, Stack, Text } from '@mantine/core';
import { i18n } from '../../i18n';

interface Props {
  /** The region guarded; it is mounted afresh on retry and reads its drafts back. */
  children: ReactNode;
  /** Changing it resets the boundary, e.g. when the user switches frames. */
  resetKey?: string;
}

interface State { error: Error | null }

/**
 * Catches a render error in one region so the rest of the console keeps working. It never holds
 * form state itself: forms keep what was typed in drafts (useDraft), so the retry loses nothing.
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidUpdate(prev: Props) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('render error', error.message, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <Alert color="red" title={i18n.t('errorBoundary.title')} role="alert" m="md">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{i18n.t('errorBoundary.body')}</Text>
          <Button size="xs" variant="light" color="red" onClick={() => this.setState({ error: null })}>{i18n.t('errorBoundary.retry')}</Button>
        </Stack>
      </Alert>
    );
  }
}
