// The quick box (quick.html): a search field and the accounts it finds, with their codes.
// Enter (or a click) copies the selected account's code, through the same command as the main
// window (the clipboard is cleared the same way), and the box hides; Esc hides it. The shell
// shows it on the system-wide shortcut or `cogauth-app --quick`, then calls
// window.cogauthQuickOpened, which starts afresh: empty search, accounts read again.

import { NO_CODE, avatarFor, nextRefreshDelay, rowModel } from './accounts-state.js';
import { byId, inputById, setText } from './dom.js';
import { errorWords } from './format.js';
import { copyCode, listAccounts, quickHide, uiReady } from './ipc.js';
import { movedSelection, quickMatches, quickNote } from './quick-state.js';

const search = inputById('quick-search');
const list = byId('quick-list');
const note = byId('quick-note');

/** @type {import('./ipc.js').AccountRow[]} */
let accounts = [];
/** @type {import('./ipc.js').AccountRow[]} */
let shown = [];
let selected = 0;
/** Counts openings: an answer for an earlier one is dropped. */
let opening = 0;
let refreshTimer = 0;
/** When this opening started (performance.now()), for the benchmark's first report. */
let openedAt = 0;
let readySent = false;

function render() {
  shown = quickMatches(accounts, search.value);
  selected = Math.min(selected, Math.max(shown.length - 1, 0));
  const rows = shown.map((account, index) => {
    const model = rowModel(account, '');
    const { letter, hue } = avatarFor(account);
    const row = document.createElement('li');
    row.className = 'quick-row';
    row.id = `quick-row-${index}`;
    row.dataset.id = account.id;
    row.setAttribute('role', 'option');
    row.setAttribute('aria-selected', String(index === selected));
    row.setAttribute('aria-label', model.label);
    const face = document.createElement('span');
    face.className = 'avatar';
    face.style.setProperty('--avatar-hue', String(hue));
    face.textContent = letter;
    const names = document.createElement('span');
    names.className = 'account-names';
    const title = document.createElement('span');
    title.className = 'account-issuer';
    title.textContent = model.title;
    const subtitle = document.createElement('span');
    subtitle.className = 'account-label';
    subtitle.textContent = model.subtitle;
    names.append(title, subtitle);
    const code = document.createElement('span');
    code.className = 'quick-code';
    code.textContent = model.hasCode || account.kind !== 'hotp' ? model.code : 'next code';
    if (model.code === NO_CODE) code.classList.add('muted');
    row.append(face, names, code);
    row.addEventListener('click', () => copy(index));
    return row;
  });
  list.replaceChildren(...rows);
  search.setAttribute('aria-activedescendant', shown.length ? `quick-row-${selected}` : '');
  setText(note, quickNote(accounts.length, shown.length));
}

/** Reads the accounts again, and again when the first code shown expires. */
async function load(number) {
  clearTimeout(refreshTimer);
  try {
    const { accounts: fetched } = await listAccounts();
    if (number !== opening) return;
    accounts = fetched;
    render();
    if (!readySent) reportPainted();
    refreshTimer = window.setTimeout(() => load(number), nextRefreshDelay(accounts, Date.now()));
  } catch (error) {
    if (number === opening) setText(note, errorWords(error).text);
  }
}

/**
 * Tells the shell once, after the first codes were painted, when the box was opened and
 * painted (wall-clock milliseconds): only a measurement hook (`scripts/bench`).
 */
function reportPainted() {
  readySent = true;
  window.requestAnimationFrame(() => window.setTimeout(() => {
    const wall = (ms) => performance.timeOrigin + ms;
    uiReady({ quick_opened: wall(openedAt), quick_painted: wall(performance.now()) }).catch(() => {});
  }, 0));
}

/** Hides the box, leaving no code in it for the next opening. */
function close() {
  opening += 1;
  clearTimeout(refreshTimer);
  accounts = [];
  search.value = '';
  list.replaceChildren();
  setText(note, '');
  quickHide().catch(() => {});
}

/** @param {number} index */
async function copy(index) {
  const account = shown[index];
  if (!account) return;
  try {
    await copyCode(account.id);
    close();
  } catch (error) {
    setText(note, errorWords(error).text);
  }
}

function opened() {
  openedAt = performance.now();
  opening += 1;
  selected = 0;
  search.value = '';
  search.focus();
  render();
  load(opening);
}

search.addEventListener('input', () => {
  selected = 0;
  render();
});

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') {
    event.preventDefault();
    close();
  } else if (event.key === 'Enter') {
    event.preventDefault();
    copy(selected);
  } else {
    const next = movedSelection(selected, shown.length, event.key);
    if (next === null || (event.target === search && ['Home', 'End'].includes(event.key))) return;
    event.preventDefault();
    selected = next;
    render();
  }
});

/** @type {any} */ (window).cogauthQuickOpened = opened;
// Opened before this script ran (the first `--quick` builds the box and shows it at once).
if (document.visibilityState === 'visible') opened();
