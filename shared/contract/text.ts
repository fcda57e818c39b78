import { z } from 'zod';

/*
 * Text a person types and other people read: names, titles, reasons, notes. One home for the rules
 * so every field refuses the same tricks:
 * - invisible text: zero-width characters alone (U+200B, U+2060, U+FEFF …) look empty but are not;
 * - bidi controls (U+202E RIGHT-TO-LEFT OVERRIDE and friends) make a name display as something
 *   else (“invoice‮fdp.exe” shows as “invoiceexe.pdf”);
 * - control characters in a one-line field.
 * Refusals carry the problem `no_content` or `hidden_characters`.
 */

/** Something to read: at least one letter or digit (any script). */
const SUBSTANCE = /[\p{L}\p{N}]/u;
/** One line: no control and no format characters (bidi controls, zero-width, soft hyphen …). */
const HIDDEN_IN_LINE = /[\p{Cc}\p{Cf}]/u;
/** Several lines: tabs and line breaks allowed; other controls and bidi controls not. */
const HIDDEN_IN_TEXT = /(?![\t\n\r])\p{Cc}|[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

// The messages become the issue's `problem` (see the dispatcher), so forms can say why.
const readable = { message: 'no_content' };
const visible = { message: 'hidden_characters' };

/** A name or title on one line, with something readable in it. */
export const humanLine = (min: number, max: number) =>
  z.string().trim().min(min).max(max).refine((s) => SUBSTANCE.test(s), readable).refine((s) => !HIDDEN_IN_LINE.test(s), visible);

/** An optional one-line name: empty is fine, anything else must read like `humanLine`. */
export const optionalHumanLine = (max: number) =>
  z.string().trim().max(max).refine((s) => s === '' || SUBSTANCE.test(s), readable).refine((s) => !HIDDEN_IN_LINE.test(s), visible);

/** Free text over several lines (reasons, minutes, bodies), with something readable in it. */
export const humanText = (min: number, max: number) =>
  z.string().trim().min(min).max(max).refine((s) => SUBSTANCE.test(s), readable).refine((s) => !HIDDEN_IN_TEXT.test(s), visible);

/** A file name as shown in a list and used for the download: one line, no path separators. */
export const fileName = (max: number) => humanLine(1, max).refine((s) => !/[/\\:*?"<>|]/.test(s), { message: 'bad_file_name' });

/**
 * File types accepted as consultation attachments (photos, scans, office documents, recordings).
 * Nothing a browser would run or render as a page (HTML, SVG, scripts). `application/octet-stream`
 * is what a browser reports for a type it does not know; such files are only ever downloaded.
 */
export const ATTACHMENT_MIME_TYPES = [
  'image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp', 'image/tiff', 'image/heic', 'image/heif',
  'application/pdf', 'application/ofd', 'text/plain', 'text/csv',
  'application/msword', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-powerpoint', 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/wps-office.doc', 'application/wps-office.docx', 'application/wps-office.xls', 'application/wps-office.xlsx',
  'audio/mpeg', 'audio/wav', 'audio/x-wav', 'audio/amr', 'audio/mp4', 'audio/x-m4a', 'audio/aac',
  'video/mp4', 'video/quicktime',
  'application/octet-stream',
] as const;

export const MAX_ATTACHMENT_BYTES = 4 * 1024 * 1024;

/** Bytes a canonical base64 text decodes to. */
export function base64DecodedBytes(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

/**
 * Padded base64 (RFC 4648, no line breaks): what FileReader produces. A plain character-class
 * pattern and a length check: a grouped pattern overflows the regex engine's stack on megabytes.
 */
const isBase64 = (s: string) => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);

/**
 * A small file sent inline. The size limit is on the decoded bytes; the length bound (4·⌈4 MiB / 3⌉
 * characters) comes first so that an oversized text is never scanned.
 */
export const attachmentInput = z.object({
  name: fileName(200),
  mime: z.string().trim().toLowerCase().pipe(z.enum(ATTACHMENT_MIME_TYPES)),
  base64: z.string().min(4).max(4 * Math.ceil(MAX_ATTACHMENT_BYTES / 3)).refine(isBase64, { message: 'not_base64' })
    .refine((s) => base64DecodedBytes(s) <= MAX_ATTACHMENT_BYTES, { message: 'too_big' }),
}).strict();
