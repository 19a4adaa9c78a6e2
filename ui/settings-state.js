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
  quick_shortcut: 'set-quick-shortcut',
};

/**
 * @typedef {object} SettingsForm  The controls, as they are.
 * @property {string} clipboard_clear_seconds  as typed
 * @property {string} tray_accounts            as typed
 * @property {boolean} start_hidden
 * @property {boolean} autostart
 * @property {string} theme
 * @property {boolean} quick_shortcut_enabled
 * @property {string} quick_shortcut  as recorded
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
      quick_shortcut_enabled: form.quick_shortcut_enabled,
      quick_shortcut: form.quick_shortcut,
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

// The quick box's shortcut

/** Keys that only modify (a shortcut is recorded when another key joins them). */
const MODIFIER_CODES = /^(Control|Alt|Shift|Meta|OS)(Left|Right)?$/;

/**
 * The shortcut a key press in the shortcut field records, as the shell reads it
 * ("Ctrl+Alt+C"), or null while only modifiers are held or for a plain key (Tab still moves
 * on). Whether the shortcut is acceptable is the shell's to say: it answers with field
 * `quick_shortcut`.
 * @param {{code: string, ctrlKey: boolean, altKey: boolean, shiftKey: boolean, metaKey: boolean}} event
 */
export function recordedShortcut({ code, ctrlKey, altKey, shiftKey, metaKey }) {
  if (MODIFIER_CODES.test(code) || !(ctrlKey || altKey || metaKey)) return null;
  const key = code.replace(/^Key(?=[A-Z]$)/, '').replace(/^Digit(?=\d$)/, '');
  return [ctrlKey && 'Ctrl', altKey && 'Alt', shiftKey && 'Shift', metaKey && 'Super', key]
    .filter(Boolean)
    .join('+');
}

/**
 * What Settings says under the shortcut.
 * @param {import('./ipc.js').ShortcutStatus} status
 */
export function shortcutNote(status) {
  const instead = `bind the command “${status.command}” to a key in your desktop's keyboard settings`;
  switch (status.state) {
    case 'on':
      return status.message ?? `${status.keys} opens the quick box from any app.`;
    case 'off':
      return `Off. You can also ${instead}.`;
    default:
      return status.message ?? `No shortcut in this session: ${instead}.`;
  }
}
