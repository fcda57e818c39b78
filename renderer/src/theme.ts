import { createTheme } from '@mantine/core';

/** Government-service red as the primary accent; system CJK fonts on each platform. */
export const theme = createTheme({
  primaryColor: 'blue',
  fontFamily: '"Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", system-ui, sans-serif',
  fontFamilyMonospace: '"Cascadia Mono", Consolas, "Noto Sans Mono CJK SC", "DejaVu Sans Mono", monospace',
  defaultRadius: 'sm',
  headings: { fontWeight: '600' },
});
