// The account list: every account with its live code, the search box, the manual order (drag
// and drop, or Alt+arrows), the backup reminder, and each row's actions (copy, next HOTP code,
// rename, delete with undo, show for another device, finish a pending enrolment).
//
// Data comes only through ipc.js. Rows are kept by account id and updated in place, and a row
// whose account did not change is not written to, so a refresh never steals keyboard focus or
// scroll position and stays cheap with a thousand accounts. The list is fetched again when the
// first shown code expires, when the window regains focus or becomes visible, and every few
// seconds while no shown code expires on its own (accounts added with the CLI show up by
// themselves). Between fetches, a tick once a second moves the seconds, the countdown bars and
// the next code: the bars step once a second instead of animating, so an idle window repaints
// once a second and not sixty times (a software-rendered WebKit spent most of a core on them).
//
// Keyboard: one row at a time is in the Tab order, with its buttons (a roving tabindex, so a
// thousand rows are not a thousand Tab stops); arrows, Home and End move between the rows that
// match the search, Enter copies, Alt+Up/Down moves the row, F2 renames, Delete deletes.

import {
  copyCode, deleteAccount, listAccounts, moveAccount, nextHotp, sortAccounts, uiReady, undoDelete,
} from './ipc.js';
import {
  accountName, announce, byId, groupCode, inputById, setAttribute, setHidden, setText, whileBusy,
} from './dom.js';
import { confirmDelete, renameDialogFor, showReveal } from './dialogs.js';
import { showToast } from './toast.js';

/** Poll interval while no shown code expires on its own (empty list, HOTP only, errors). */
const IDLE_REFRESH_MS = 5000;
/** Refresh this long after a code's window ends, so the shell surely computes the next one. */
const EXPIRY_MARGIN_MS = 150;
/** From this many seconds left the countdown turns to the warning colour and the next code shows. */
const ENDING_SECONDS = 5;
/** Shown where a code would be when there is none. */
const NO_CODE = '––– –––';

/** Hints shown under a failure, by CommandError kind. The message itself comes from Rust. */
const HINTS = {
  keychain_locked: 'Unlock your keychain (login keyring), then try again.',
  keychain_unavailable: 'CogAuth keeps secrets in the system keychain. Start it (on Linux: a Secret Service such as GNOME Keyring), then try again.',
  config: 'Set COGAUTH_DATA_DIR to the folder that should hold your accounts, then restart CogAuth.',
  index: 'The account list file could not be read. It has not been changed.',
  no_backend: 'Start CogAuth itself rather than opening this page in a browser.',
};

const elements = {
  accounts: byId('accounts'),
  empty: byId('empty'),
  noMatch: byId('no-match'),
  search: inputById('search'),
  sortName: /** @type {HTMLButtonElement} */ (byId('sort-name')),
  problem: byId('problem'),
  problemMessage: byId('problem-message'),
  problemHint: byId('problem-hint'),
  retry: byId('retry'),
  banner: byId('backup-banner'),
  bannerText: byId('backup-text'),
  rowTemplate: /** @type {HTMLTemplateElement} */ (byId('account-row')),
};

/**
 * @typedef {object} ListHooks
 * @property {(account: import('./ipc.js').AccountRow) => void} finishEnrolment
 * @property {() => void} exportBackup
 */

/** @type {ListHooks} */
let hooks;
/** @type {Map<string, RowView>} */
const rows = new Map();
/** Accounts deleted in this run: not shown even if a list fetched before the delete says so. */
const deleted = new Set();
/** The row in the Tab order. @type {RowView | null} */
let activeRow = null;
let refreshTimer = 0;
/** @type {Promise<void> | null} */
let loading = null;
/** @type {Promise<void> | null} */
let queued = null;
/** Whether the first answer was shown (and the shell told). */
let readySent = false;
/**
 * When the first list was asked for, answered and drawn (ms since the page's time origin),
 * for the start-up breakdown the benchmark prints.
 * @type {Record<string, number>}
 */
const startupMarks = { script: performance.now() };
/** Moves are sent one after the other; while any is unanswered, refreshes keep the DOM order. */
let moveChain = Promise.resolve();
let movesInFlight = 0;
/** @type {RowView | null} */
let dragged = null;
/** @type {{row: RowView, after: boolean} | null} */
let dropMarker = null;
/** The backup reminder the user dismissed ("last_backup:added_since"); it returns when that changes. */
let dismissedBackup = '';

/** One row of the list, bound to its DOM nodes. */
class RowView {
  /** @param {string} id */
  constructor(id) {
    const fragment = /** @type {DocumentFragment} */ (elements.rowTemplate.content.cloneNode(true));
    this.id = id;
    this.root = /** @type {HTMLLIElement} */ (fragment.firstElementChild);
    this.root.dataset.id = id;
    const part = (selector) => /** @type {HTMLElement} */ (this.root.querySelector(selector));
    this.issuer = part('.account-issuer');
    this.label = part('.account-label');
    this.code = part('.code');
    this.seconds = part('.seconds');
    this.next = part('.account-next');
    this.nextCode = part('.next-code');
    this.note = part('.account-note');
    this.countdown = part('.countdown');
    this.fill = part('.countdown-fill');
    this.hotpNext = part('.hotp-next');
    this.finish = part('.finish-enrolment');
    this.rename = part('.rename');
    this.reveal = part('.reveal');
    this.delete = part('.delete');
    this.buttons = [this.hotpNext, this.finish, this.rename, this.reveal, this.delete];
    /** @type {import('./ipc.js').AccountRow | null} */
    this.account = null;
    /** The HOTP code last shown or copied in this run; the list carries none for HOTP. */
    this.hotpCode = '';
    /** Issuer and label in lower case, for the search. */
    this.haystack = '';
    /** What update() last drew, to skip unchanged rows. */
    this.drawn = '';
    /** Whether the row is on screen (or near it): only those are ticked each second. */
    this.onScreen = false;
    onScreen.observe(this.root);
  }

  /**
   * Shows `account`, unless the row already shows exactly that.
   * @param {import('./ipc.js').AccountRow} account
   */
  update(account) {
    const drawn = `${JSON.stringify(account)}\n${this.hotpCode}`;
    if (drawn === this.drawn) return;
    this.drawn = drawn;
    this.account = account;
    const { issuer, label, kind, code, next, error, state } = account;
    const name = accountName(account);

    setText(this.issuer, issuer || label);
    setText(this.label, issuer ? label : '');
    setHidden(this.label, !issuer);
    this.haystack = `${issuer}\n${label}`.toLowerCase();
    this.root.classList.toggle('pending', state === 'pending');

    const value = kind === 'hotp' ? this.hotpCode : code?.value ?? '';
    let note = '';
    let spoken;
    if (value) {
      const grouped = groupCode(value);
      setText(this.code, grouped);
      spoken = `code ${grouped}`;
    } else {
      setText(this.code, NO_CODE);
      if (error) {
        note = error.message;
        spoken = `no code: ${error.message}`;
      } else if (kind === 'hotp') {
        note = 'Counter-based: press “Next code” for a code.';
        spoken = 'counter-based, no code shown';
      } else {
        spoken = 'no code';
      }
    }
    this.root.classList.toggle('no-code', !value);
    if (state === 'pending') {
      note = `Enrolment not finished${account.pending_reason ? `: ${account.pending_reason}` : '.'} ${note}`.trim();
    }
    setText(this.note, note);
    setHidden(this.note, !note);
    this.root.classList.toggle('has-error', Boolean(error));
    setText(this.nextCode, next ? groupCode(next.value) : '');
    setAttribute(this.root, 'aria-label', `${name}, ${spoken}`);

    setHidden(this.hotpNext, kind !== 'hotp' || state !== 'active');
    setHidden(this.finish, state !== 'pending' || !account.cognito);
    setHidden(this.reveal, state === 'pending');
    setAttribute(this.hotpNext, 'aria-label', `Next code for ${name}`);
    setAttribute(this.finish, 'aria-label', `Finish enrolment of ${name}`);
    setAttribute(this.rename, 'aria-label', `Rename ${name}`);
    setAttribute(this.reveal, 'aria-label', `Show ${name} for another device`);
    setAttribute(this.delete, 'aria-label', `Delete ${name}`);

    const timed = Boolean(code?.valid_until);
    setHidden(this.countdown, !timed);
    setHidden(this.seconds, !timed);
    if (!timed) setHidden(this.next, true);
    this.tick(Date.now());
  }

  /**
   * Moves the seconds, the countdown bar, the warning colour and the next code to `nowMs`.
   * @param {number} nowMs
   */
  tick(nowMs) {
    const code = this.account?.code;
    if (!code?.valid_until || code.valid_from === undefined) return;
    const left = Math.max(0, code.valid_until - nowMs / 1000);
    const seconds = Math.ceil(left);
    const ending = left <= ENDING_SECONDS;
    setText(this.seconds, `${seconds}s`);
    this.root.classList.toggle('ending', ending);
    setHidden(this.next, !(ending && this.account?.next));
    // CSSOM writes are allowed by the CSP (style-src 'self'); style attributes are not.
    const scale = `scaleX(${Math.min(1, seconds / (code.valid_until - code.valid_from))})`;
    if (this.fill.style.transform !== scale) this.fill.style.transform = scale;
  }

  /** @param {boolean} inTabOrder */
  setTabbable(inTabOrder) {
    const index = inTabOrder ? 0 : -1;
    this.root.tabIndex = index;
    for (const button of this.buttons) button.tabIndex = index;
  }
}

// Rendering

/** @param {import('./ipc.js').AccountList} list */
function render(list) {
  elements.problem.hidden = true;
  const focused = document.activeElement;
  const terms = searchTerms();
  const seen = new Set();
  /** @type {Element | null} */
  let previous = null;
  for (const account of list.accounts) {
    if (deleted.has(account.id)) continue;
    seen.add(account.id);
    let row = rows.get(account.id);
    if (!row) {
      row = new RowView(account.id);
      rows.set(account.id, row);
    }
    row.update(account);
    setHidden(row.root, !matches(row, terms));
    // Keep DOM order equal to the stored order without detaching rows that are in place
    // (detaching drops focus). While a move is unanswered the DOM already shows the new order.
    if (movesInFlight === 0) {
      const expected = previous ? previous.nextElementSibling : elements.accounts.firstElementChild;
      if (expected !== row.root) elements.accounts.insertBefore(row.root, expected);
    } else if (!row.root.isConnected) {
      elements.accounts.append(row.root);
    }
    previous = row.root;
  }
  for (const [id, row] of rows) {
    if (!seen.has(id)) dropRow(row);
  }
  if (focused instanceof HTMLElement && focused.isConnected && document.activeElement !== focused) {
    focused.focus({ preventScroll: true });
  }
  showBackupReminder(list.backup ?? null);
  showListState();
}

/**
 * Takes a row out of the list.
 * @param {RowView} row
 */
function dropRow(row) {
  onScreen.unobserve(row.root);
  row.root.remove();
  rows.delete(row.id);
  if (activeRow === row) activeRow = null;
}

/** Empty state, "no match", and which row is in the Tab order. */
function showListState() {
  const empty = rows.size === 0;
  setHidden(elements.accounts, empty);
  setHidden(elements.empty, !empty);
  const firstShown = elements.accounts.querySelector(':scope > li:not([hidden])');
  setHidden(elements.noMatch, empty || firstShown !== null);
  if (!activeRow || activeRow.root.hidden) setActiveRow(rowOf(firstShown));
}

/** @param {import('./ipc.js').CommandError} error */
function showProblem(error) {
  elements.problemMessage.textContent = error.message;
  const hint = HINTS[error.kind] ?? '';
  elements.problemHint.textContent = hint;
  elements.problemHint.hidden = !hint;
  elements.problem.hidden = false;
  elements.accounts.hidden = true;
  elements.empty.hidden = true;
  elements.noMatch.hidden = true;
}

/** @param {import('./ipc.js').BackupState | null} backup */
function showBackupReminder(backup) {
  const key = backup && backup.added_since > 0 ? `${backup.last_backup}:${backup.added_since}` : '';
  const show = Boolean(key) && key !== dismissedBackup;
  if (backup && show) {
    const count = backup.added_since;
    const since = backup.last_backup === null
      ? 'never'
      : new Date(backup.last_backup * 1000).toLocaleDateString(undefined, { dateStyle: 'medium' });
    setText(elements.bannerText,
      `${count} account${count === 1 ? '' : 's'} added since your last backup (${since}).`);
  }
  elements.banner.dataset.key = key;
  setHidden(elements.banner, !show);
}

// Refreshing

/**
 * Fetches the list and draws it. A call while a fetch runs is answered by one more fetch
 * after it, so what the caller just changed is surely in the answer it waits for.
 * @returns {Promise<void>}
 */
export function refresh() {
  if (loading) {
    queued ??= loading.then(() => {
      queued = null;
      return refresh();
    });
    return queued;
  }
  loading = load().finally(() => { loading = null; });
  return loading;
}

async function load() {
  window.clearTimeout(refreshTimer);
  let delay = IDLE_REFRESH_MS;
  try {
    if (!readySent) startupMarks.list_asked = performance.now();
    const list = await listAccounts();
    if (!readySent) startupMarks.list_answered = performance.now();
    render(list);
    if (!readySent) startupMarks.rendered = performance.now();
    delay = nextRefreshDelay();
  } catch (error) {
    showProblem(/** @type {import('./ipc.js').CommandError} */ (error));
  }
  if (!readySent) firstAnswerShown();
  refreshTimer = window.setTimeout(refresh, delay);
}

/** Milliseconds until the first shown code expires, or the idle interval. */
function nextRefreshDelay() {
  let earliest = Infinity;
  for (const row of rows.values()) {
    const until = row.account?.code?.valid_until;
    if (until !== undefined && until < earliest) earliest = until;
  }
  if (earliest === Infinity) return IDLE_REFRESH_MS;
  return Math.max(250, earliest * 1000 - Date.now() + EXPIRY_MARGIN_MS);
}

/**
 * The first answer (the list, or why there is none) is on screen: replace "Loading…", and
 * tell the shell once the frame has been painted.
 */
function firstAnswerShown() {
  readySent = true;
  announce(rows.size === 0 && elements.problem.hidden ? 'No accounts yet.' : '');
  window.requestAnimationFrame(() => window.setTimeout(() => {
    startupMarks.painted = performance.now();
    // Wall-clock milliseconds, comparable with the shell's and the benchmark's clocks.
    const marks = Object.fromEntries(Object.entries(startupMarks)
      .map(([name, ms]) => [name, performance.timeOrigin + ms]));
    marks.navigation = performance.timeOrigin;
    // Only a measurement hook: the page works the same if the shell does not answer.
    uiReady(marks).catch(() => {});
  }, 0));
}

/**
 * Which rows are on screen (with a margin): the others are neither ticked nor, through
 * `content-visibility: auto`, laid out or painted. A row coming into view is brought up to date
 * at once.
 */
const onScreen = new IntersectionObserver((entries) => {
  const now = Date.now();
  for (const entry of entries) {
    const row = rows.get(/** @type {HTMLElement} */ (entry.target).dataset.id ?? '');
    if (!row) continue;
    row.onScreen = entry.isIntersecting;
    if (row.onScreen) row.tick(now);
  }
}, { rootMargin: '200px 0px' });

/**
 * Moves the seconds and bar of every row on screen once a second, just after each whole second; nothing is
 * drawn while the window is minimised or covered (visibilitychange refreshes on return).
 */
function tickEverySecond() {
  const now = Date.now();
  if (document.visibilityState === 'visible') {
    for (const row of rows.values()) {
      if (row.onScreen) row.tick(now);
    }
  }
  window.setTimeout(tickEverySecond, 1000 - (now % 1000) + 20);
}

// Search

/** @returns {string[]} the search words, lower case */
function searchTerms() {
  return elements.search.value.toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * @param {RowView} row
 * @param {string[]} terms
 */
function matches(row, terms) {
  return terms.every((term) => row.haystack.includes(term));
}

function applySearch() {
  const terms = searchTerms();
  for (const row of rows.values()) setHidden(row.root, !matches(row, terms));
  showListState();
  if (terms.length) {
    const shown = elements.accounts.querySelectorAll(':scope > li:not([hidden])').length;
    announce(`${shown} of ${rows.size} account${rows.size === 1 ? '' : 's'} shown.`);
  }
}

/** Empties the search box, showing every row again. */
function clearSearch() {
  elements.search.value = '';
  applySearch();
}

/** @param {KeyboardEvent} event */
function onSearchKey(event) {
  if (event.key === 'Escape' && elements.search.value) {
    event.preventDefault();
    clearSearch();
  } else if (event.key === 'ArrowDown') {
    const first = elements.accounts.querySelector(':scope > li:not([hidden])');
    if (first instanceof HTMLElement) {
      event.preventDefault();
      first.focus();
    }
  }
}

// Keyboard focus

/** @returns {HTMLElement[]} the rows that match the search, in order */
function visibleRows() {
  return /** @type {HTMLElement[]} */ ([...elements.accounts.children].filter((li) => !li.hidden));
}

/**
 * The row an element belongs to.
 * @param {EventTarget | null} target
 * @returns {RowView | null}
 */
function rowOf(target) {
  const li = target instanceof Element ? target.closest('li.account') : null;
  return li instanceof HTMLElement ? rows.get(li.dataset.id ?? '') ?? null : null;
}

/** @param {RowView | null} row */
function setActiveRow(row) {
  if (activeRow === row) return;
  activeRow?.setTabbable(false);
  activeRow = row;
  row?.setTabbable(true);
}

/**
 * Focuses an account's row (clearing the search if it hides it).
 * @param {string} id
 */
export function focusAccount(id) {
  const row = rows.get(id);
  if (!row) return;
  if (row.root.hidden) clearSearch();
  row.root.focus();
}

/** @param {KeyboardEvent} event */
function onListKey(event) {
  const row = rowOf(event.target);
  if (!row) return;
  if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
    event.preventDefault();
    moveByKey(row, event.key === 'ArrowUp' ? -1 : 1);
    return;
  }
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) {
    const shown = visibleRows();
    const at = shown.indexOf(row.root);
    const target = {
      ArrowDown: shown[at + 1],
      ArrowUp: shown[at - 1],
      Home: shown[0],
      End: shown[shown.length - 1],
    }[event.key];
    event.preventDefault();
    target?.focus();
    return;
  }
  // The remaining keys belong to the row itself; its buttons handle their own.
  if (event.target !== row.root) return;
  const action = { Enter: copy, F2: rename, Delete: remove }[event.key];
  if (action) {
    event.preventDefault();
    action(row);
  }
}

/** @param {MouseEvent} event */
function onListClick(event) {
  const row = rowOf(event.target);
  if (!row?.account) return;
  const button = event.target instanceof Element ? event.target.closest('button') : null;
  if (!button) {
    copy(row);
  } else if (button === row.hotpNext) {
    whileBusy(row.hotpNext, () => nextCode(row));
  } else if (button === row.finish) {
    hooks.finishEnrolment(row.account);
  } else if (button === row.rename) {
    rename(row);
  } else if (button === row.reveal) {
    showReveal(row.id, accountName(row.account));
  } else if (button === row.delete) {
    remove(row);
  }
}

// Row actions

/** @param {RowView} row */
async function copy(row) {
  const account = row.account;
  if (!account) return;
  if (account.kind !== 'hotp' && !account.code) {
    showToast(account.error?.message ?? 'This account has no code to copy yet.', { error: true });
    return;
  }
  try {
    const { value, clear_after_seconds: seconds } = await copyCode(row.id);
    if (account.kind === 'hotp' && value !== row.hotpCode) {
      // Copying an HOTP account with no code shown used up the next counter: show that code.
      row.hotpCode = value;
      row.update(account);
    }
    row.root.classList.add('copied');
    window.setTimeout(() => row.root.classList.remove('copied'), 700);
    showToast(`Copied — clears in ${seconds} s`);
  } catch (error) {
    showToast(error.message, { error: true });
  }
}

/** @param {RowView} row */
async function nextCode(row) {
  const account = row.account;
  if (!account) return;
  try {
    const code = await nextHotp(row.id);
    row.hotpCode = code.value;
    row.update(account);
    announce(`Next code for ${accountName(account)}: ${groupCode(code.value)}`);
  } catch (error) {
    showToast(error.message, { error: true });
  }
}

/** @param {RowView} row */
async function rename(row) {
  if (!row.account) return;
  const saved = await renameDialogFor(row.account);
  if (saved) {
    await refresh();
    announce('Renamed.');
  }
  if (row.root.isConnected) row.root.focus();
}

/** @param {RowView} row */
async function remove(row) {
  const account = row.account;
  if (!account) return;
  if (!(await confirmDelete(account))) {
    row.root.focus();
    return;
  }
  try {
    const { undo_seconds: seconds } = await deleteAccount(account.id);
    const shown = visibleRows();
    const at = shown.indexOf(row.root);
    const neighbour = shown[at + 1] ?? shown[at - 1];
    deleted.add(account.id);
    dropRow(row);
    showListState();
    (neighbour ?? elements.search).focus();
    showToast(`Deleted ${accountName(account)}`, { seconds, undo: () => restore(account) });
  } catch (error) {
    showToast(error.message, { error: true });
    row.root.focus();
  }
}

/** @param {import('./ipc.js').AccountRow} account */
async function restore(account) {
  try {
    await undoDelete(account.id);
    deleted.delete(account.id);
    await refresh();
    focusAccount(account.id);
    showToast(`Restored ${accountName(account)}`);
  } catch (error) {
    showToast(error.message, { error: true });
  }
}

async function sortByName() {
  try {
    await sortAccounts();
    await refresh();
    showToast('Sorted by issuer, then name.');
  } catch (error) {
    showToast(error.message, { error: true });
  }
}

// Manual order

/**
 * Moves a row past its neighbour among the rows the search shows.
 * @param {RowView} row
 * @param {-1 | 1} direction
 */
function moveByKey(row, direction) {
  const shown = visibleRows();
  const neighbour = shown[shown.indexOf(row.root) + direction];
  if (!neighbour) return;
  const others = [...elements.accounts.children].filter((li) => li !== row.root);
  moveRow(row, others.indexOf(neighbour) + (direction > 0 ? 1 : 0));
}

/**
 * Puts a row at `toIndex` of the full list (search or not) at once, and stores the order.
 * Moves are sent one at a time, in order; the list is fetched again after the last one.
 * @param {RowView} row
 * @param {number} toIndex
 */
function moveRow(row, toIndex) {
  const all = [...elements.accounts.children];
  if (all.indexOf(row.root) === toIndex) return;
  const others = all.filter((li) => li !== row.root);
  const hadFocus = row.root.contains(document.activeElement);
  elements.accounts.insertBefore(row.root, others[toIndex] ?? null);
  // Re-inserting a node drops its focus.
  if (hadFocus) row.root.focus();
  announce(`Moved to position ${toIndex + 1} of ${all.length}.`);
  movesInFlight += 1;
  moveChain = moveChain
    .then(() => moveAccount(row.id, toIndex))
    .catch((error) => showToast(error.message, { error: true }))
    .finally(() => {
      movesInFlight -= 1;
      if (movesInFlight === 0) refresh();
    });
}

/** @param {DragEvent} event */
function onDragStart(event) {
  const row = rowOf(event.target);
  if (!row?.account || !event.dataTransfer) return;
  dragged = row;
  event.dataTransfer.effectAllowed = 'move';
  // Some engines start no drag without data; the account's name is harmless where dropped.
  event.dataTransfer.setData('text/plain', accountName(row.account));
  row.root.classList.add('dragging');
}

/** @param {DragEvent} event */
function onDragOver(event) {
  if (!dragged) return;
  event.preventDefault();
  if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
  const target = rowOf(event.target);
  if (!target || target === dragged) {
    setDropMarker(null);
    return;
  }
  const box = target.root.getBoundingClientRect();
  setDropMarker({ row: target, after: event.clientY > box.top + box.height / 2 });
}

/** @param {DragEvent} event */
function onDragLeave(event) {
  if (!(event.relatedTarget instanceof Node) || !elements.accounts.contains(event.relatedTarget)) {
    setDropMarker(null);
  }
}

/** @param {DragEvent} event */
function onDrop(event) {
  if (!dragged) return;
  event.preventDefault();
  const row = dragged;
  const marker = dropMarker;
  endDrag();
  if (!marker) return;
  const others = [...elements.accounts.children].filter((li) => li !== row.root);
  moveRow(row, others.indexOf(marker.row.root) + (marker.after ? 1 : 0));
}

function endDrag() {
  dragged?.root.classList.remove('dragging');
  dragged = null;
  setDropMarker(null);
}

/** @param {{row: RowView, after: boolean} | null} marker */
function setDropMarker(marker) {
  if (dropMarker?.row === marker?.row && dropMarker?.after === marker?.after) return;
  dropMarker?.row.root.classList.remove('drop-before', 'drop-after');
  dropMarker = marker;
  marker?.row.root.classList.add(marker.after ? 'drop-after' : 'drop-before');
}

// Start

/** Focuses the search box (the `/` shortcut). */
export function focusSearch() {
  elements.search.focus();
  elements.search.select();
}

/**
 * Wires the list and shows the first fetch.
 * @param {ListHooks} listHooks
 */
export function startAccounts(listHooks) {
  hooks = listHooks;
  announce('Loading accounts…');
  const list = elements.accounts;
  list.addEventListener('keydown', onListKey);
  list.addEventListener('click', onListClick);
  list.addEventListener('focusin', (event) => setActiveRow(rowOf(event.target)));
  list.addEventListener('dragstart', onDragStart);
  list.addEventListener('dragover', onDragOver);
  list.addEventListener('dragleave', onDragLeave);
  list.addEventListener('drop', onDrop);
  list.addEventListener('dragend', endDrag);
  elements.search.addEventListener('input', applySearch);
  elements.search.addEventListener('keydown', onSearchKey);
  elements.sortName.addEventListener('click', () => whileBusy(elements.sortName, sortByName));
  elements.retry.addEventListener('click', () => refresh());
  byId('backup-export').addEventListener('click', () => hooks.exportBackup());
  byId('backup-dismiss').addEventListener('click', () => {
    dismissedBackup = elements.banner.dataset.key ?? '';
    elements.banner.hidden = true;
    focusSearch();
  });
  window.addEventListener('focus', () => refresh());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') refresh();
  });
  tickEverySecond();
  refresh();
}
