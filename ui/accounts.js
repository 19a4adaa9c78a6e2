// The account list on screen: the rows with their live codes, the search box, the manual
// order (drag and drop, or Alt+arrows), the backup reminder, and each row's actions (copy,
// next HOTP code, rename, delete with undo, show for another device, finish a pending
// enrolment).
//
// What to show and when is decided in accounts-state.js (plain functions, unit-tested); this
// module keeps the rows' DOM nodes, calls ipc.js and applies those decisions. Rows are kept by
// account id and updated in place, and a row whose account did not change is not written to,
// so a refresh never steals keyboard focus or scroll position and stays cheap with a thousand
// accounts. The list is fetched again when the first shown code expires, when the window
// regains focus or becomes visible, and every few seconds while no shown code expires on its
// own (accounts added with the CLI show up by themselves). Between fetches, a tick once a
// second moves the seconds, the countdown bars and the next code: the bars step once a second
// instead of animating, so an idle window repaints once a second and not sixty times (a
// software-rendered WebKit spent most of a core on them).
//
// Keyboard: one row at a time is in the Tab order, with its buttons (a roving tabindex, so a
// thousand rows are not a thousand Tab stops); arrows, Home and End move between the rows that
// match the search, Enter copies, Alt+Up/Down moves the row, F2 renames, Delete deletes.

import {
  copyCode, deleteAccount, listAccounts, moveAccount, nextHotp, sortAccounts, uiReady, undoDelete,
} from './ipc.js';
import {
  activeAfter, backupReminder, coalesced, copyRefusal, countdown, dropIndex, dropsAfter, inOrder,
  isNavigationKey, keyMoveIndex, listPlaceholder, markDeleted, matchesSearch, moveAnchor,
  moveSummary, navigate, neighbourAfterDelete, nextRefreshDelay, nextTickDelay, problemModel,
  ROW_KEYS, rowModel, rowsToTick, searchSummary, searchTerms, unmarkDeleted, wallClockMarks,
  withoutDeleted,
} from './accounts-state.js';
import { announce, byId, inputById, setAttribute, setHidden, setText, whileBusy } from './dom.js';
import { accountName, groupCode } from './format.js';
import { confirmDelete, renameDialogFor, showReveal } from './dialogs.js';
import { showToast } from './toast.js';

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
/** Accounts deleted in this run (see withoutDeleted). */
let deleted = /** @type {ReadonlySet<string>} */ (new Set());
/** The row in the Tab order. @type {RowView | null} */
let activeRow = null;
let refreshTimer = 0;
/** Whether the first answer was shown (and the shell told). */
let readySent = false;
/**
 * When the first list was asked for, answered and drawn (ms since the page's time origin),
 * for the start-up breakdown the benchmark prints.
 * @type {Record<string, number>}
 */
const startupMarks = { script: performance.now() };
/** The row being dragged, and where it would drop. */
let drag = /** @type {{row: RowView, marker: {row: RowView, after: boolean} | null} | null} */ (null);
/** The backup reminder the user dismissed (its key); it returns when that changes. */
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
    /** What the search looks in. */
    this.searchKey = '';
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
    const model = rowModel(account, this.hotpCode);
    this.searchKey = model.searchKey;

    setText(this.issuer, model.title);
    setText(this.label, model.subtitle);
    setHidden(this.label, !model.subtitle);
    this.root.classList.toggle('pending', model.pending);
    setText(this.code, model.code);
    this.root.classList.toggle('no-code', !model.hasCode);
    setText(this.note, model.note);
    setHidden(this.note, !model.note);
    this.root.classList.toggle('has-error', model.hasError);
    setText(this.nextCode, model.nextCode);
    setAttribute(this.root, 'aria-label', model.label);

    setHidden(this.hotpNext, !model.show.hotpNext);
    setHidden(this.finish, !model.show.finish);
    setHidden(this.reveal, !model.show.reveal);
    setAttribute(this.hotpNext, 'aria-label', model.names.hotpNext);
    setAttribute(this.finish, 'aria-label', model.names.finish);
    setAttribute(this.rename, 'aria-label', model.names.rename);
    setAttribute(this.reveal, 'aria-label', model.names.reveal);
    setAttribute(this.delete, 'aria-label', model.names.delete);

    setHidden(this.countdown, !model.timed);
    setHidden(this.seconds, !model.timed);
    if (!model.timed) setHidden(this.next, true);
    this.tick(Date.now());
  }

  /**
   * Moves the seconds, the countdown bar, the warning colour and the next code to `nowMs`.
   * @param {number} nowMs
   */
  tick(nowMs) {
    const state = countdown(this.account, nowMs);
    if (!state) return;
    setText(this.seconds, `${state.seconds}s`);
    this.root.classList.toggle('ending', state.ending);
    setHidden(this.next, !state.showNext);
    // CSSOM writes are allowed by the CSP (style-src 'self'); style attributes are not.
    const scale = `scaleX(${state.scale})`;
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
  const terms = searchTerms(elements.search.value);
  const keepOrder = moves.pending() > 0;
  const seen = new Set();
  /** @type {Element | null} */
  let previous = null;
  for (const account of withoutDeleted(list.accounts, deleted)) {
    seen.add(account.id);
    let row = rows.get(account.id);
    if (!row) {
      row = new RowView(account.id);
      rows.set(account.id, row);
    }
    row.update(account);
    setHidden(row.root, !matchesSearch(row.searchKey, terms));
    // Keep DOM order equal to the stored order without detaching rows that are in place
    // (detaching drops focus). While a move is unanswered the DOM already shows the new order.
    if (!keepOrder) {
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
  const shown = shownIds();
  const { empty, noMatch } = listPlaceholder(rows.size, shown.length);
  setHidden(elements.accounts, empty);
  setHidden(elements.empty, !empty);
  setHidden(elements.noMatch, !noMatch);
  setActiveRow(rows.get(activeAfter(activeRow?.id ?? null, shown) ?? '') ?? null);
}

/** @param {import('./ipc.js').CommandError} error */
function showProblem(error) {
  const { message, hint } = problemModel(error);
  elements.problemMessage.textContent = message;
  elements.problemHint.textContent = hint;
  elements.problemHint.hidden = !hint;
  elements.problem.hidden = false;
  elements.accounts.hidden = true;
  elements.empty.hidden = true;
  elements.noMatch.hidden = true;
}

/** @param {import('./ipc.js').BackupState | null} backup */
function showBackupReminder(backup) {
  const reminder = backupReminder(backup, dismissedBackup, (unix) => new Date(unix * 1000)
    .toLocaleDateString(undefined, { dateStyle: 'medium' }));
  if (reminder.show) setText(elements.bannerText, reminder.text);
  elements.banner.dataset.key = reminder.key;
  setHidden(elements.banner, !reminder.show);
}

// Refreshing

/**
 * Fetches the list and draws it. A call while a fetch runs is answered by one more fetch
 * after it, so what the caller just changed is surely in the answer it waits for.
 * @returns {Promise<void>}
 */
export const refresh = coalesced(load);

async function load() {
  window.clearTimeout(refreshTimer);
  let delay;
  try {
    if (!readySent) startupMarks.list_asked = performance.now();
    const list = await listAccounts();
    if (!readySent) startupMarks.list_answered = performance.now();
    render(list);
    if (!readySent) startupMarks.rendered = performance.now();
    delay = nextRefreshDelay([...rows.values()].map((row) => row.account), Date.now());
  } catch (error) {
    showProblem(/** @type {import('./ipc.js').CommandError} */ (error));
    delay = nextRefreshDelay([], Date.now());
  }
  if (!readySent) firstAnswerShown();
  refreshTimer = window.setTimeout(refresh, delay);
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
    // Only a measurement hook: the page works the same if the shell does not answer.
    uiReady(wallClockMarks(startupMarks, performance.timeOrigin)).catch(() => {});
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
 * Moves the seconds and bar of every row on screen once a second, just after each whole
 * second; nothing is drawn while the window is minimised or covered (visibilitychange
 * refreshes on return).
 */
function tickEverySecond() {
  const now = Date.now();
  for (const row of rowsToTick(rows.values(), document.visibilityState === 'visible')) row.tick(now);
  window.setTimeout(tickEverySecond, nextTickDelay(now));
}

// Search

function applySearch() {
  const terms = searchTerms(elements.search.value);
  for (const row of rows.values()) setHidden(row.root, !matchesSearch(row.searchKey, terms));
  showListState();
  if (terms.length) announce(searchSummary(shownIds().length, rows.size));
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
    const first = rows.get(shownIds()[0] ?? '');
    if (first) {
      event.preventDefault();
      first.root.focus();
    }
  }
}

// Keyboard focus

/** @returns {string[]} every row's account id, in the order on screen */
function orderIds() {
  return [...elements.accounts.children].map((li) => /** @type {HTMLElement} */ (li).dataset.id ?? '');
}

/** @returns {string[]} the ids of the rows that match the search, in order */
function shownIds() {
  return [...elements.accounts.children]
    .filter((li) => !(/** @type {HTMLElement} */ (li).hidden))
    .map((li) => /** @type {HTMLElement} */ (li).dataset.id ?? '');
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
  if (isNavigationKey(event.key)) {
    event.preventDefault();
    rows.get(navigate(shownIds(), row.id, event.key) ?? '')?.root.focus();
    return;
  }
  // The remaining keys belong to the row itself; its buttons handle their own.
  if (event.target !== row.root) return;
  const action = { copy, rename, remove }[ROW_KEYS[event.key] ?? ''];
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
  const refusal = copyRefusal(account);
  if (refusal) {
    showToast(refusal, { error: true });
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
    const neighbour = rows.get(neighbourAfterDelete(shownIds(), row.id) ?? '');
    deleted = markDeleted(deleted, account.id);
    dropRow(row);
    showListState();
    (neighbour?.root ?? elements.search).focus();
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
    deleted = unmarkDeleted(deleted, account.id);
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

/** Moves are sent one at a time, in order; the list is fetched again after the last one. */
const moves = inOrder(
  /** @param {{id: string, toIndex: number}} move */
  ({ id, toIndex }) => moveAccount(id, toIndex),
  {
    failed: (error) => showToast(error.message, { error: true }),
    idle: () => { refresh(); },
  },
);

/**
 * Moves a row past its neighbour among the rows the search shows.
 * @param {RowView} row
 * @param {-1 | 1} direction
 */
function moveByKey(row, direction) {
  const toIndex = keyMoveIndex(orderIds(), shownIds(), row.id, direction);
  if (toIndex !== null) moveRow(row, toIndex);
}

/**
 * Puts a row at `toIndex` of the full list (search or not) at once, and stores the order.
 * @param {RowView} row
 * @param {number} toIndex
 */
function moveRow(row, toIndex) {
  const order = orderIds();
  if (order.indexOf(row.id) === toIndex) return;
  const hadFocus = row.root.contains(document.activeElement);
  const anchor = moveAnchor(order, row.id, toIndex);
  elements.accounts.insertBefore(row.root, anchor === null ? null : rows.get(anchor)?.root ?? null);
  // Re-inserting a node drops its focus.
  if (hadFocus) row.root.focus();
  announce(moveSummary(toIndex, order.length));
  moves.push({ id: row.id, toIndex });
}

/** @param {DragEvent} event */
function onDragStart(event) {
  const row = rowOf(event.target);
  if (!row?.account || !event.dataTransfer) return;
  drag = { row, marker: null };
  event.dataTransfer.effectAllowed = 'move';
  // Some engines start no drag without data; the account's name is harmless where dropped.
  event.dataTransfer.setData('text/plain', accountName(row.account));
  row.root.classList.add('dragging');
}

/** @param {DragEvent} event */
function onDragOver(event) {
  if (!drag) return;
  event.preventDefault();
  if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
  const target = rowOf(event.target);
  if (!target || target === drag.row) {
    setDropMarker(null);
    return;
  }
  setDropMarker({ row: target, after: dropsAfter(event.clientY, target.root.getBoundingClientRect()) });
}

/** @param {DragEvent} event */
function onDragLeave(event) {
  if (!(event.relatedTarget instanceof Node) || !elements.accounts.contains(event.relatedTarget)) {
    setDropMarker(null);
  }
}

/** @param {DragEvent} event */
function onDrop(event) {
  if (!drag) return;
  event.preventDefault();
  const { row, marker } = drag;
  endDrag();
  if (marker) moveRow(row, dropIndex(orderIds(), row.id, marker.row.id, marker.after));
}

function endDrag() {
  setDropMarker(null);
  drag?.row.root.classList.remove('dragging');
  drag = null;
}

/** @param {{row: RowView, after: boolean} | null} marker */
function setDropMarker(marker) {
  if (!drag) return;
  const current = drag.marker;
  if (current?.row === marker?.row && current?.after === marker?.after) return;
  current?.row.root.classList.remove('drop-before', 'drop-after');
  drag.marker = marker;
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
