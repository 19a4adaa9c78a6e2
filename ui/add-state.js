// The "Add an account" view's decisions, as plain functions: the hand-typed entry sent to the
// shell (every field a string, as typed), which fields each type of account uses, where a
// refusal of core is shown (in words for people), and the import preview's lines. A picked file
// is read by the shell (import_pick), within core's size limit.
//
// No DOM and no IPC: add.js reads the inputs, calls ipc.js and shows what these compute. No
// rule about accounts is stated here: core checks and defaults every field (an empty one is
// core's default) and names the field it refuses.

import { accountName, errorWords, plural } from './format.js';

/** Entries listed in the import preview; the summary counts all of them. */
export const PREVIEW_LIMIT = 200;

/**
 * Names of the imports that are not another app's file (core names the apps of files, in the
 * preview's `app`).
 */
export const SOURCE_NAMES = {
  'qr-image': 'QR codes in the image',
  clipboard: 'Clipboard',
  screenshot: 'QR codes on the screen',
};

/**
 * The lines of the "Which exports?" list: one per format of core's registry.
 * @param {import('./ipc.js').ImportFormat[]} formats
 * @returns {string[]}
 */
export function formatLines(formats) {
  return formats.map(({ app, files }) => `${app}: ${files}`);
}

/** Manual-entry inputs by the name the shell gives them in `error.field`. */
export const MANUAL_FIELDS = {
  issuer: 'manual-issuer',
  label: 'manual-label',
  secret: 'manual-secret',
  kind: 'manual-kind',
  algorithm: 'manual-algorithm',
  digits: 'manual-digits',
  period: 'manual-period',
  counter: 'manual-counter',
};

/**
 * The settings each type of account has besides its names and secret: the form shows only
 * these, and sends the others empty.
 */
export const KIND_FIELDS = {
  totp: ['algorithm', 'digits', 'period'],
  hotp: ['algorithm', 'digits', 'counter'],
  steam: ['period'],
};

/** The optional settings of the form, in form order. */
const SETTINGS = /** @type {const} */ (['algorithm', 'digits', 'period', 'counter']);

/**
 * Which optional settings the chosen type shows.
 * @param {string} kind
 * @returns {Record<"algorithm" | "digits" | "period" | "counter", boolean>}
 */
export function fieldsShown(kind) {
  const used = KIND_FIELDS[kind] ?? SETTINGS;
  return Object.fromEntries(SETTINGS.map((field) => [field, used.includes(field)]));
}

/**
 * @typedef {object} ManualForm  The form's inputs, as typed.
 * @property {string} issuer
 * @property {string} label
 * @property {string} secret
 * @property {string} kind
 * @property {string} algorithm
 * @property {string} digits
 * @property {string} period
 * @property {string} counter
 */

/**
 * The entry add_manual takes: every field a string exactly as typed, and "" (core's
 * default) for a setting the chosen type does not use.
 * @param {ManualForm} form
 * @returns {import('./ipc.js').ManualEntry}
 */
export function manualEntry(form) {
  const shown = fieldsShown(form.kind);
  return {
    issuer: form.issuer,
    label: form.label,
    secret: form.secret,
    kind: form.kind,
    algorithm: shown.algorithm ? form.algorithm : '',
    digits: shown.digits ? form.digits : '',
    period: shown.period ? form.period : '',
    counter: shown.counter ? form.counter : '',
  };
}

/** The rare settings, under "Advanced" (closed until one is needed). */
export const ADVANCED_FIELDS = ['kind', 'algorithm', 'digits', 'period', 'counter'];

/**
 * How the "By hand" form shows a refusal of core: in words for people (format.js's WORDS),
 * next to the input it names (`input`, else under the form), with "Advanced" opened when that
 * input is in it, and the account to offer "Show it" for (a duplicate name).
 * @param {import('./ipc.js').CommandError} error
 * @returns {{input: string | null, text: string, openAdvanced: boolean, show: import('./ipc.js').AccountName | null}}
 */
export function manualRefusal(error) {
  const { text, show } = errorWords(error);
  const input = inputOf(MANUAL_FIELDS, error.field);
  return {
    input,
    text,
    openAdvanced: input !== null && ADVANCED_FIELDS.includes(error.field ?? ''),
    show,
  };
}

/**
 * The input a refusal of core is shown next to, or null (then under the form).
 * @param {Record<string, string>} fields  field name → input id
 * @param {string | undefined} field  `error.field`
 * @returns {string | null}
 */
export function inputOf(fields, field) {
  return field !== undefined && Object.hasOwn(fields, field) ? fields[field] : null;
}

/**
 * Whether a pasted link is Google Authenticator's transfer link, which holds several accounts
 * and goes through the import (its preview shows them before anything is added).
 * @param {string} text
 */
export function isTransferLink(text) {
  return /^\s*otpauth-migration:/i.test(text);
}

/**
 * What the import preview shows.
 * @param {import('./ipc.js').ImportPreview} result
 * @returns {{count: number, summary: string, items: string[], warnings: string[], dropped: string,
 *   apply: string}}
 */
export function previewModel(result) {
  const count = result.new.length;
  const format = result.app ?? SOURCE_NAMES[result.format] ?? result.format;
  const dropped = result.not_imported ?? [];

  const skipped = `${plural(result.duplicates, 'duplicate')} skipped`;
  const items = result.new.slice(0, PREVIEW_LIMIT)
    .map((entry) => `${accountName(entry)} · ${entry.kind.toUpperCase()}`);
  if (count > PREVIEW_LIMIT) items.push(`and ${count - PREVIEW_LIMIT} more`);
  return {
    count,
    summary: `${format}: ${count} new, ${skipped}.`,
    items,
    warnings: result.warnings,
    dropped: dropped.length ? `Not imported from ${format}: ${dropped.join(', ')}.` : '',
    apply: `Import ${plural(count, 'account')}`,
  };
}

/**
 * The toast after an import.
 * @param {number} added
 * @param {number} skipped
 */
export function importedMessage(added, skipped) {
  return `Imported ${plural(added, 'account')}${skipped ? `, ${skipped} skipped` : ''}.`;
}
