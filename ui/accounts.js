// The account list on screen: the rows with their live codes and avatars, the search box, the
// order (a view the shell remembers: manual, name, issuer, recently used) and the density, the
// manual order (drag and drop, or Alt+arrows, in the manual order only), the backup reminder,
// and each row's actions in its menu ("⋯", right click, Shift+F10 or the menu key: copy, next
// HOTP code, rename, show for another device, move, delete with undo, finish a pending
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
// match the search, Enter copies, Alt+Up/Down moves the row, F2 renames, Delete deletes,
// Shift+F10 opens the menu, Esc clears the search. In the search box Enter copies the first
// match; a letter typed on the list starts a search (app.js).

import {
  copyCode, deleteAccount, listAccounts, moveAccount, nextHotp, nextVaultChange, setListView, uiReady,
  undoDelete,
} from './ipc.js';
import {
  activeAfter, avatarFor, backupReminder, canMove, changedView, coalesced, copyRefusal, countdown,
  dropIndex, dropsAfter, inOrder, isNavigationKey, keyMoveIndex, listPlaceholder, markDeleted,
  matchesSearch, menuItems, menuMove, menuPosition, moveAnchor, moveSummary, navigate,
  neighbourAfterDelete, nextRefreshDelay, nextTickDelay, ORDERS, problemModel, ROW_KEYS, rowModel,
  rowsToTick, searchEnterTarget, searchSummary, searchTerms, unmarkDeleted, wallClockMarks,
  withoutDeleted,
} from './accounts-state.js';
import { announce, byId, inputById, setAttribute, setHidden, setText, whileBusy } from './dom.js';
import { accountName, groupCode } from './format.js';
import { confirmDelete, renameDialogFor, showReveal } from './dialogs.js';
import { showCognitoDetails } from './cognito.js';
import { showToast, showUndo } from './toast.js';

/** The countdown ring's circumference (r = 8.5 in its 20×20 box). */
const RING = 2 * Math.PI * 8.5;

const elements = {
  accounts: byId('accounts'),
  empty: byId('empty'),
  noMatch: byId('no-match'),
  search: inputById('search'),
  order: /** @type {HTMLSelectElement} */ (byId('list-order')),
  density: /** @type {HTMLButtonElement} */ (byId('list-density')),
  menu: byId('row-menu'),
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
/** How the list is shown, as the shell last said (it sorts; this page only draws). */
let view = /** @type {import('./ipc.js').ListView} */ ({ order: 'manual', density: 'comfortable' });
/** The row whose menu is open. @type {RowView | null} */
let menuRow = null;

/** One row of the list, bound to its DOM nodes. */
class RowView {
  /** @param {string} id */
  constructor(id) {
    const fragment = /** @type {DocumentFragment} */ (elements.rowTemplate.content.cloneNode(true));
    this.id = id;
    this.root = /** @type {HTMLLIElement} */ (fragment.firstElementChild);
    this.root.dataset.id = id;
    const part = (selector) => /** @type {HTMLElement} */ (this.root.querySelector(selector));
    this.avatar = part('.avatar');
    this.names = part('.account-names');
    this.issuer = part('.account-issuer');
    this.label = part('.account-label');
    this.code = part('.code');
    this.seconds = part('.seconds');
    this.next = part('.account-next');
    this.nextCode = part('.next-code');
    this.note = part('.account-note');
    this.countdown = part('.countdown');
    this.fill = /** @type {SVGElement} */ (/** @type {unknown} */ (part('.ring-fill')));
    this.hotpNext = part('.hotp-next');
    this.finish = part('.finish-enrolment');
    this.more = part('.more');
    this.buttons = [this.hotpNext, this.finish, this.more];
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

    const face = avatarFor(account);
    setText(this.avatar, face.letter);
    this.avatar.style.setProperty('--avatar-hue', String(face.hue));
    setText(this.issuer, model.title);
    setText(this.label, model.subtitle);
    // Long names are cut short with an ellipsis; the whole name shows on hover.
    setAttribute(this.names, 'title', model.subtitle ? `${model.title}\n${model.subtitle}` : model.title);
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
    setAttribute(this.hotpNext, 'aria-label', model.names.hotpNext);
    setAttribute(this.finish, 'aria-label', model.names.finish);
    setAttribute(this.more, 'aria-label', `Actions for ${accountName(account)}`);

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
    setText(this.seconds, String(state.seconds));
    this.root.classList.toggle('ending', state.ending);
    setHidden(this.next, !state.showNext);
    // CSSOM writes are allowed by the CSP (style-src 'self'); style attributes are not.
    const offset = (RING * (1 - state.scale)).toFixed(2);
    if (this.fill.style.strokeDashoffset !== offset) this.fill.style.strokeDashoffset = offset;
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
  if (list.view) showView(list.view);
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
      row.root.draggable = canMove(view.order);
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
 * Shows how the list is shown: the order in its menu, the density, and whether rows can be
 * dragged (manual order only).
 * @param {import('./ipc.js').ListView} next
 */
function showView(next) {
  view = next;
  if (elements.order.value !== next.order && document.activeElement !== elements.order) {
    elements.order.value = next.order;
  }
  const compact = next.density === 'compact';
  elements.accounts.classList.toggle('compact', compact);
  setAttribute(elements.density, 'aria-pressed', String(compact));
  const draggable = canMove(next.order);
  elements.accounts.classList.toggle('movable', draggable);
  elements.accounts.dataset.order = next.order;
  for (const row of rows.values()) {
    if (row.root.draggable !== draggable) row.root.draggable = draggable;
  }
}

/**
 * Asks the shell to show the list another way, and draws its answer.
 * @param {Partial<import('./ipc.js').ListView>} change
 */
async function changeView(change) {
  try {
    // The shell remembers it, sorts, and the next list answer draws it (render → showView).
    view = await setListView(changedView(view, change));
    await refresh();
    if (change.order) announce(`Sorted: ${ORDERS[change.order] ?? change.order}.`);
  } catch (error) {
    showToast(error.message, { error: true });
    elements.order.value = view.order;
  }
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
  } else if (event.key === 'Enter' && !event.isComposing) {
    event.preventDefault();
    const first = rows.get(searchEnterTarget(shownIds()) ?? '');
    if (first) copy(first);
    else showToast('No account matches your search.', { error: true });
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
  if (event.key === 'ContextMenu' || (event.shiftKey && event.key === 'F10')) {
    event.preventDefault();
    openMenu(row, null);
    return;
  }
  if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
    event.preventDefault();
    moveByKey(row, event.key === 'ArrowUp' ? -1 : 1);
    return;
  }
  if (event.key === 'Escape' && elements.search.value) {
    event.preventDefault();
    clearSearch();
    row.root.focus();
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
  } else if (button === row.more) {
    openMenu(row, null);
  }
}

/** @param {MouseEvent} event */
function onContextMenu(event) {
  const row = rowOf(event.target);
  if (!row?.account) return;
  event.preventDefault();
  row.root.focus({ preventScroll: true });
  openMenu(row, { x: event.clientX, y: event.clientY });
}

// The row menu

/**
 * Opens a row's menu at `point` (the pointer), or under its "⋯" button, and focuses its first
 * item.
 * @param {RowView} row
 * @param {{x: number, y: number} | null} point
 */
function openMenu(row, point) {
  const account = row.account;
  if (!account) return;
  const shown = shownIds();
  const items = menuItems(account, {
    order: view.order,
    first: shown[0] === row.id,
    last: shown[shown.length - 1] === row.id,
  });
  const name = accountName(account);
  elements.menu.replaceChildren(...items.map((item) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'menu-item';
    button.setAttribute('role', 'menuitem');
    button.tabIndex = -1;
    button.dataset.action = item.action;
    const text = document.createElement('span');
    text.textContent = item.text;
    button.append(text);
    if (item.keys) {
      const keys = document.createElement('kbd');
      keys.textContent = item.keys;
      keys.setAttribute('aria-hidden', 'true');
      button.append(keys);
    }
    if (item.action === 'remove') button.classList.add('danger');
    return button;
  }));
  setAttribute(elements.menu, 'aria-label', name);
  menuRow = row;
  elements.menu.hidden = false;
  row.root.classList.add('menu-open');
  setAttribute(row.more, 'aria-expanded', 'true');
  const box = row.more.getBoundingClientRect();
  const at = point ?? { x: box.right - elements.menu.offsetWidth, y: box.bottom };
  const { left, top } = menuPosition(at,
    { width: elements.menu.offsetWidth, height: elements.menu.offsetHeight },
    { width: window.innerWidth, height: window.innerHeight });
  elements.menu.style.left = `${left}px`;
  elements.menu.style.top = `${top}px`;
  /** @type {HTMLElement | null} */ (elements.menu.firstElementChild)?.focus();
}

/**
 * Closes the menu; `refocus` gives the focus back to its row.
 * @param {boolean} refocus
 */
function closeMenu(refocus) {
  const row = menuRow;
  if (!row) return;
  menuRow = null;
  elements.menu.hidden = true;
  elements.menu.replaceChildren();
  row.root.classList.remove('menu-open');
  setAttribute(row.more, 'aria-expanded', 'false');
  if (refocus && row.root.isConnected) row.root.focus();
}

/** @param {KeyboardEvent} event */
function onMenuKey(event) {
  const items = /** @type {HTMLElement[]} */ ([...elements.menu.children]);
  if (event.key === 'Escape') {
    event.preventDefault();
    event.stopPropagation();
    closeMenu(true);
  } else if (event.key === 'Tab') {
    event.preventDefault();
    closeMenu(true);
  } else {
    const to = menuMove(items.indexOf(/** @type {HTMLElement} */ (document.activeElement)), event.key, items.length);
    if (to !== null) {
      event.preventDefault();
      items[to].focus();
    }
  }
}

/** @param {MouseEvent} event */
function onMenuClick(event) {
  const item = event.target instanceof Element ? event.target.closest('.menu-item') : null;
  const row = menuRow;
  if (!(item instanceof HTMLElement) || !row?.account) return;
  const action = item.dataset.action;
  closeMenu(action !== 'finish' && action !== 'reveal' && action !== 'cognito');
  const account = row.account;
  switch (action) {
    case 'copy': copy(row); break;
    case 'hotpNext': nextCode(row); break;
    case 'finish': hooks.finishEnrolment(account); break;
    case 'rename': rename(row); break;
    case 'reveal': showReveal(row.id, accountName(account)); break;
    case 'cognito':
      showCognitoDetails(account, { refresh, account: (id) => rows.get(id)?.account ?? null });
      break;
    case 'moveUp': moveByKey(row, -1); break;
    case 'moveDown': moveByKey(row, 1); break;
    case 'remove': remove(row); break;
    default: break;
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
    showUndo(accountName(account), seconds, () => restore(account));
    // The next account takes the focus (its row, into view), whatever had it before.
    if (neighbour) {
      setActiveRow(neighbour);
      neighbour.root.focus();
    } else {
      elements.search.focus();
    }
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
  if (!canMove(view.order)) {
    showToast('Rows move by hand in the manual order: choose “Manual order” first.');
    return;
  }
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

/** Focuses the search box (the `/` and Ctrl+F shortcuts). */
export function focusSearch() {
  elements.search.focus();
  elements.search.select();
}

/**
 * Starts a search with `text` (a letter typed on the list), in the search box.
 * @param {string} text
 */
export function startSearch(text) {
  elements.search.focus();
  elements.search.value = text;
  applySearch();
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
  list.addEventListener('contextmenu', onContextMenu);
  elements.menu.addEventListener('keydown', onMenuKey);
  elements.menu.addEventListener('click', onMenuClick);
  document.addEventListener('pointerdown', (event) => {
    if (menuRow && !(event.target instanceof Node && elements.menu.contains(event.target))) closeMenu(false);
  }, true);
  elements.menu.addEventListener('focusout', (event) => {
    if (menuRow && !(event.relatedTarget instanceof Node && elements.menu.contains(event.relatedTarget))) closeMenu(false);
  });
  window.addEventListener('resize', () => closeMenu(false));
  list.addEventListener('focusin', (event) => setActiveRow(rowOf(event.target)));
  list.addEventListener('dragstart', onDragStart);
  list.addEventListener('dragover', onDragOver);
  list.addEventListener('dragleave', onDragLeave);
  list.addEventListener('drop', onDrop);
  list.addEventListener('dragend', endDrag);
  elements.search.addEventListener('input', applySearch);
  elements.search.addEventListener('keydown', onSearchKey);
  elements.order.addEventListener('change', () => changeView({ order: /** @type {any} */ (elements.order.value) }));
  elements.density.addEventListener('click', () => whileBusy(elements.density,
    () => changeView({ density: view.density === 'compact' ? 'comfortable' : 'compact' })));
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
  followVault();
}

/**
 * Refreshes the list whenever another program (the CLI, a second tool) changes the vault:
 * the shell watches its folder and answers this long poll within a second of a change.
 * The refresh keeps scroll position, search text and focus, as every refresh does.
 */
async function followVault() {
  let seen = null;
  for (;;) {
    try {
      const now = await nextVaultChange(seen);
      if (seen !== null && now !== seen) refresh();
      seen = now;
    } catch {
      // The shell is going away or refused: try again later, without spinning.
      await new Promise((resolve) => window.setTimeout(resolve, 5000));
    }
  }
}
