import i18next from 'i18next';

/**
 * What one refused field means, in words: main names the field (`path`, e.g. "username",
 * "attachments.0.mime") and the problem (a zod issue code such as too_small / invalid_format, a
 * refinement such as no_content / hidden_characters, or a check of main such as unknown / retired).
 * A message for that field and problem comes first, then one for the problem, then the generic one.
 */
export function problemMessage(problem: string, path = ''): string {
  const field = path.split('.').filter((p) => !/^\d+$/.test(p)).at(-1);
  if (field && i18next.exists(`problems.fields.${field}.${problem}`)) return i18next.t(`problems.fields.${field}.${problem}`);
  if (i18next.exists(`problems.codes.${problem}`)) return i18next.t(`problems.codes.${problem}`);
  return i18next.t('validation.invalid_format');
}

/** True when the problem has a message of its own (not the generic 格式不正确). */
export function hasProblemMessage(problem: string, path = ''): boolean {
  const field = path.split('.').filter((p) => !/^\d+$/.test(p)).at(-1);
  return (!!field && i18next.exists(`problems.fields.${field}.${problem}`)) || i18next.exists(`problems.codes.${problem}`);
}
