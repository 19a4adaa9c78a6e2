// The settings view's decisions, as plain functions: the settings sent when a control changes
// (each change is saved at once: no Save button), and where a refusal of the shell is shown.
//
// No DOM and no IPC: settings.js reads the controls, calls ipc.js and shows what these compute.
// The ranges are the shell's (it names the field it refuses); the page only checks that a
// number is a whole number before it is sent.

/** Settings inputs by the name the shell gives them in `error.field`. */
export const SETTINGS_FIELDS = {
  clipboard_clear_seconds: 'set-clipboard-seconds',
  tray_accounts: 'set-tray-accounts',
};

/**
 * @typedef {object} SettingsForm  The controls, as they are.
 * @property {string} clipboard_clear_seconds  as typed
 * @property {string} tray_accounts            as typed
 * @property {boolean} start_hidden
 * @property {boolean} autostart
 * @property {string} theme
 */

/**
 * The whole number typed, or null.
 * @param {string} typed
 */
export function wholeNumber(typed) {
  const text = typed.trim();
  const value = Number(text);
  return text !== '' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/**
 * The settings to save, or the typing mistakes that keep them from being sent (input id →
 * message). Settings this view has no control for (`stored`'s others, such as the list's sort)
 * are sent back as they were read.
 * @param {SettingsForm} form
 * @param {Record<string, unknown>} stored  the settings as last read or saved
 * @returns {{settings: import('./ipc.js').Settings | null, errors: Record<string, string>}}
 */
export function settingsToSave(form, stored) {
  const seconds = wholeNumber(form.clipboard_clear_seconds);
  const tray = wholeNumber(form.tray_accounts);
  /** @type {Record<string, string>} */
  const errors = {};
  if (seconds === null) errors[SETTINGS_FIELDS.clipboard_clear_seconds] = 'Enter a whole number of seconds.';
  if (tray === null) errors[SETTINGS_FIELDS.tray_accounts] = 'Enter a whole number.';
  if (seconds === null || tray === null) return { settings: null, errors };
  return {
    settings: /** @type {import('./ipc.js').Settings} */ ({
      ...stored,
      clipboard_clear_seconds: seconds,
      start_hidden: form.start_hidden,
      autostart: form.autostart,
      tray_accounts: tray,
      theme: form.theme,
    }),
    errors,
  };
}

/**
 * Whether a change of the control `id` is saved at once: lists and checkboxes on `change`;
 * a number when it is committed (`change` fires on Enter or leaving the field), not on every
 * keystroke, so a half-typed number is not sent.
 * @param {string} id
 * @param {"input" | "change"} type  the event
 */
export function savesOn(id, type) {
  return type === 'change' && id.startsWith('set-');
}

/**
 * Where a refusal of the shell is shown: the input it names, or null (under the form).
 * @param {{field?: string}} error
 */
export function settingsInputOf(error) {
  const field = error.field ?? '';
  return Object.hasOwn(SETTINGS_FIELDS, field) ? SETTINGS_FIELDS[field] : null;
}
