// The account list's state, as plain functions of plain values: what a row shows, its avatar,
// which rows the search keeps, the countdown and when the list is fetched again, which rows
// tick, the accounts deleted in this run, the order and the moves of the manual order, the row
// menu, which row has the keyboard and which keys start a search, the undo toast, the backup
// reminder, and the two queues that order the list's requests (fetches, moves).
//
// No DOM and no IPC: accounts.js owns the rows and their nodes, calls ipc.js and applies what
// these functions compute. Orders and selections are arrays of account ids in list order (the
// order on screen, which is the stored order unless a move is still unanswered). tests/ui runs
// all of it under Node.

import { accountName, groupCode, hintFor, plural, sentences } from './format.js';

/** Poll interval while no shown code expires on its own (empty list, HOTP only, errors). */
export const IDLE_REFRESH_MS = 5000;
/** Refresh this long after a code's window ends, so the shell surely computes the next one. */
export const EXPIRY_MARGIN_MS = 150;
/** Never fetch again sooner than this. */
export const MIN_REFRESH_MS = 250;
/** From this many seconds left the countdown turns to the warning colour and the next code shows. */
export const ENDING_SECONDS = 5;
/** The tick runs this long after each whole second. */
export const TICK_OFFSET_MS = 20;
/** Shown where a code would be when there is none. */
export const NO_CODE = '––– –––';
/**
 * How far (seconds, either way) this computer's clock may be from Cognito's before a row says
 * so. Mirrors core's MAX_CLOCK_SKEW = 15 (src-tauri/core/src/cognito/enroll.rs), beyond which
 * core warns during an enrolment and blames a refused code on the clock.
 */
export const MAX_CLOCK_SKEW_SECONDS = 15;

/** What each key does on a focused row (its buttons handle their own keys). */
export const ROW_KEYS = { Enter: 'copy', F2: 'rename', Delete: 'remove' };

/**
 * @typedef {import('./ipc.js').AccountRow} AccountRow
 * @typedef {import('./ipc.js').Code} Code
 */

// What a row shows

/**
 * @typedef {object} RowModel
 * @property {string} title        The issuer, or the label when there is none.
 * @property {string} subtitle     The label under an issuer; '' when the title is the label.
 * @property {string} searchKey    What the search looks in (issuer and label, lower case).
 * @property {string} code         The code grouped for reading, or NO_CODE.
 * @property {boolean} hasCode
 * @property {string} note         The line under the code ('' for none).
 * @property {boolean} hasError
 * @property {boolean} pending
 * @property {string} nextCode     The next period's code, grouped ('' for none).
 * @property {string} label        The row's accessible name.
 * @property {boolean} timed       Whether the code has a countdown.
 * @property {{hotpNext: boolean, finish: boolean, reveal: boolean}} show  Buttons shown.
 * @property {{hotpNext: string, finish: string, rename: string, reveal: string, delete: string}} names
 *   The buttons' accessible names.
 */

/**
 * What a row shows for `account`.
 * @param {AccountRow} account
 * @param {string} hotpCode  The HOTP code last shown or copied in this run ('' for none): the
 *   list carries none for HOTP, showing one uses it up.
 * @returns {RowModel}
 */
export function rowModel(account, hotpCode) {
  const { issuer, label, kind, code, next, error, state } = account;
  const name = accountName(account);
  const value = kind === 'hotp' ? hotpCode : code?.value ?? '';
  let note = '';
  let spoken;
  if (value) {
    spoken = `code ${groupCode(value)}`;
  } else if (error) {
    note = error.message;
    spoken = `no code: ${error.message}`;
  } else if (kind === 'hotp') {
    note = 'Counter-based: press “Next code” for a code.';
    spoken = 'counter-based, no code shown';
  } else {
    spoken = 'no code';
  }
  if (state === 'pending') {
    note = `Enrolment not finished${account.pending_reason ? `: ${account.pending_reason}` : '.'} ${note}`.trim();
  }
  const clock = clockNote(account.cognito?.clock_ahead);
  if (clock) {
    note = sentences(note, clock);
    spoken = `${spoken}; ${clock}`;
  }
  return {
    title: issuer || label,
    subtitle: issuer ? label : '',
    searchKey: searchKey(account),
    code: value ? groupCode(value) : NO_CODE,
    hasCode: Boolean(value),
    note,
    hasError: Boolean(error),
    pending: state === 'pending',
    nextCode: next ? groupCode(next.value) : '',
    label: `${name}, ${spoken}`,
    timed: Boolean(code?.valid_until),
    show: {
      hotpNext: kind === 'hotp' && state === 'active',
      finish: state === 'pending' && Boolean(account.cognito),
      reveal: state !== 'pending',
    },
    names: {
      hotpNext: `Next code for ${name}`,
      finish: `Finish enrolment of ${name}`,
      rename: `Rename ${name}`,
      reveal: `Show ${name} for another device`,
      delete: `Delete ${name}`,
    },
  };
}

/**
 * What a Cognito account's row says about this computer's clock, from how far it was ahead of
 * Cognito's (negative: behind) when a code was last sent; '' within MAX_CLOCK_SKEW_SECONDS, or
 * when unknown. Cognito refuses codes from a clock that far off.
 * @param {number | null | undefined} clockAhead  seconds
 */
export function clockNote(clockAhead) {
  if (typeof clockAhead !== 'number' || !Number.isFinite(clockAhead)) return '';
  if (Math.abs(clockAhead) <= MAX_CLOCK_SKEW_SECONDS) return '';
  const direction = clockAhead > 0 ? 'ahead of' : 'behind';
  return `This computer's clock is ${Math.abs(clockAhead)} s ${direction} Cognito's; fix the system time.`;
}

/**
 * Why an account's code cannot be copied, or null when it can (HOTP always can: copying one
 * with no code shown uses the next counter).
 * @param {AccountRow} account
 * @returns {string | null}
 */
export function copyRefusal(account) {
  if (account.kind === 'hotp' || account.code) return null;
  return account.error?.message ?? 'This account has no code to copy yet.';
}

/**
 * What the list shows when the fetch failed.
 * @param {import('./ipc.js').CommandError} error
 * @returns {{message: string, hint: string}}
 */
export function problemModel(error) {
  return { message: error.message, hint: hintFor(error.kind) };
}

// Time: the countdown, ticks and fetches

/**
 * @typedef {object} Countdown
 * @property {number} seconds   Whole seconds left, rounded up.
 * @property {boolean} ending   In the last ENDING_SECONDS: the warning colour.
 * @property {boolean} showNext Whether the next code shows (ending, and there is one).
 * @property {number} scale     The bar's length, 0 to 1, stepping once a second.
 */

/**
 * An account's countdown at `nowMs`, or null for a code without a validity window.
 * @param {AccountRow | null} account
 * @param {number} nowMs
 * @returns {Countdown | null}
 */
export function countdown(account, nowMs) {
  const code = account?.code;
  if (!code?.valid_until || code.valid_from === undefined) return null;
  const left = Math.max(0, code.valid_until - nowMs / 1000);
  const seconds = Math.ceil(left);
  const ending = left <= ENDING_SECONDS;
  return {
    seconds,
    ending,
    showNext: ending && Boolean(account?.next),
    scale: Math.min(1, seconds / (code.valid_until - code.valid_from)),
  };
}

/**
 * Milliseconds until the list is fetched again: just after the first shown code expires, or
 * the idle interval when none expires on its own.
 * @param {Iterable<AccountRow | null>} accounts  The accounts shown.
 * @param {number} nowMs
 */
export function nextRefreshDelay(accounts, nowMs) {
  let earliest = Infinity;
  for (const account of accounts) {
    const until = account?.code?.valid_until;
    if (until !== undefined && until < earliest) earliest = until;
  }
  if (earliest === Infinity) return IDLE_REFRESH_MS;
  return Math.max(MIN_REFRESH_MS, earliest * 1000 - nowMs + EXPIRY_MARGIN_MS);
}

/** Milliseconds from `nowMs` to the next tick, just after the next whole second. */
export function nextTickDelay(nowMs) {
  return 1000 - (nowMs % 1000) + TICK_OFFSET_MS;
}

/**
 * The rows a tick moves: those on screen (or near it), and none while the window is
 * minimised or covered.
 * @template {{onScreen: boolean}} Row
 * @param {Iterable<Row>} rows
 * @param {boolean} pageVisible
 * @returns {Row[]}
 */
export function rowsToTick(rows, pageVisible) {
  return pageVisible ? [...rows].filter((row) => row.onScreen) : [];
}

// Search

/**
 * @param {string} text  What the search box holds.
 * @returns {string[]} the search words, lower case
 */
export function searchTerms(text) {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * What the search looks in for an account.
 * @param {{issuer: string, label: string}} account
 */
export function searchKey({ issuer, label }) {
  return `${issuer}\n${label}`.toLowerCase();
}

/**
 * Whether every word is in the key (so "acme ali" finds ACME's alice).
 * @param {string} key  From searchKey.
 * @param {string[]} terms  From searchTerms.
 */
export function matchesSearch(key, terms) {
  return terms.every((term) => key.includes(term));
}

/**
 * What is said after the search changed.
 * @param {number} shown
 * @param {number} total
 */
export function searchSummary(shown, total) {
  return `${shown} of ${plural(total, 'account')} shown.`;
}

/**
 * Which placeholder shows instead of rows: none, "no accounts yet", or "no match".
 * @param {number} total  Rows in the list.
 * @param {number} shown  Rows the search keeps.
 */
export function listPlaceholder(total, shown) {
  return { empty: total === 0, noMatch: total > 0 && shown === 0 };
}

// Accounts deleted in this run

/**
 * The accounts of a fetched list that are shown: those deleted in this run are not, even if
 * a list fetched before the delete still holds them.
 * @param {AccountRow[]} accounts
 * @param {ReadonlySet<string>} deleted
 */
export function withoutDeleted(accounts, deleted) {
  return deleted.size ? accounts.filter((account) => !deleted.has(account.id)) : accounts;
}

/**
 * @param {ReadonlySet<string>} deleted
 * @param {string} id  Just deleted (the undo runs).
 * @returns {Set<string>}
 */
export function markDeleted(deleted, id) {
  return new Set([...deleted, id]);
}

/**
 * @param {ReadonlySet<string>} deleted
 * @param {string} id  Restored by the undo.
 * @returns {Set<string>}
 */
export function unmarkDeleted(deleted, id) {
  const left = new Set(deleted);
  left.delete(id);
  return left;
}

// The manual order

/**
 * The order after moving `id` to `toIndex` (its index afterwards, in the full list).
 * @param {string[]} order
 * @param {string} id
 * @param {number} toIndex
 */
export function moved(order, id, toIndex) {
  const others = order.filter((other) => other !== id);
  others.splice(toIndex, 0, id);
  return others;
}

/**
 * The row a moved row is put before, or null for the end of the list.
 * @param {string[]} order
 * @param {string} id
 * @param {number} toIndex
 */
export function moveAnchor(order, id, toIndex) {
  return order.filter((other) => other !== id)[toIndex] ?? null;
}

/**
 * Alt+Up/Down: the index in the full list that puts `id` past its neighbour among the rows
 * the search shows, or null at either end.
 * @param {string[]} order  Every row.
 * @param {string[]} shown  The rows the search keeps, in order.
 * @param {string} id
 * @param {-1 | 1} direction
 * @returns {number | null}
 */
export function keyMoveIndex(order, shown, id, direction) {
  const at = shown.indexOf(id);
  const neighbour = at < 0 ? undefined : shown[at + direction];
  if (neighbour === undefined) return null;
  const others = order.filter((other) => other !== id);
  return others.indexOf(neighbour) + (direction > 0 ? 1 : 0);
}

/**
 * Drag and drop: the index in the full list for `id` dropped before or after `target`.
 * @param {string[]} order
 * @param {string} id
 * @param {string} target
 * @param {boolean} after
 */
export function dropIndex(order, id, target, after) {
  const others = order.filter((other) => other !== id);
  return others.indexOf(target) + (after ? 1 : 0);
}

/**
 * Drag and drop: whether the pointer at `y` is in the lower half of a row's box.
 * @param {number} y
 * @param {{top: number, height: number}} box
 */
export function dropsAfter(y, box) {
  return y > box.top + box.height / 2;
}

/**
 * What is said after a move.
 * @param {number} toIndex
 * @param {number} total
 */
export function moveSummary(toIndex, total) {
  return `Moved to position ${toIndex + 1} of ${total}.`;
}

// Faces: a letter and a colour per issuer

/**
 * Hues of the avatars (degrees): spread around the wheel, without the yellows, whose dark
 * shade is too light behind white letters. style.css sets lightness and saturation per theme
 * (dark shades with white letters in the light theme, light ones with dark letters in the
 * dark theme), so every hue keeps its contrast in both.
 */
export const AVATAR_HUES = [0, 20, 32, 140, 165, 185, 200, 215, 235, 260, 285, 320];

/**
 * An account's avatar: the first letter or digit of its issuer (else of its label), upper
 * case, and a hue that depends only on that name (case-insensitive), so it stays the same
 * between runs and for every account of one issuer.
 * @param {{issuer: string, label: string}} account
 * @returns {{letter: string, hue: number}}
 */
export function avatarFor({ issuer, label }) {
  const name = (issuer.trim() || label.trim()).toLowerCase();
  const first = [...name].find((char) => /[\p{L}\p{N}]/u.test(char)) ?? '?';
  // FNV-1a over the UTF-16 code units: cheap, and spreads similar names apart.
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i += 1) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return { letter: first.toUpperCase(), hue: AVATAR_HUES[hash % AVATAR_HUES.length] };
}

// The list's order and density (remembered by the shell; core sorts)

/** The orders the list offers, by the shell's names, with what the menu says. */
export const ORDERS = {
  manual: 'Manual order',
  name: 'Name',
  issuer: 'Issuer',
  recent: 'Recently used',
};

/**
 * Whether rows can be moved by hand: only in the manual order (in the others the list is a
 * sorted view, and a move would not show).
 * @param {string} order
 */
export function canMove(order) {
  return order === 'manual';
}

/**
 * The list view with one thing changed.
 * @param {import('./ipc.js').ListView} view
 * @param {Partial<import('./ipc.js').ListView>} change
 * @returns {import('./ipc.js').ListView}
 */
export function changedView(view, change) {
  return { ...view, ...change };
}

// The row menu

/**
 * @typedef {object} MenuItem
 * @property {string} action  copy, hotpNext, finish, cognito, rename, reveal, moveUp, moveDown,
 *   remove
 * @property {string} text
 * @property {string} keys    The shortcut shown next to it ('' for none).
 */

/**
 * The items of a row's menu (the "⋯" button, a right click, Shift+F10 or the context menu
 * key): what the row can do, the moves only in the manual order and where they go somewhere.
 * @param {AccountRow} account
 * @param {{order: string, first: boolean, last: boolean}} where
 * @returns {MenuItem[]}
 */
export function menuItems(account, { order, first, last }) {
  const pending = account.state === 'pending';
  /** @type {MenuItem[]} */
  const items = [];
  if (!pending) items.push({ action: 'copy', text: 'Copy code', keys: 'Enter' });
  if (account.kind === 'hotp' && !pending) items.push({ action: 'hotpNext', text: 'Next code', keys: '' });
  if (pending && account.cognito) items.push({ action: 'finish', text: 'Finish enrolment…', keys: '' });
  if (account.cognito) items.push({ action: 'cognito', text: 'Cognito details…', keys: '' });
  items.push({ action: 'rename', text: 'Rename…', keys: 'F2' });
  if (!pending) items.push({ action: 'reveal', text: 'Show for another device…', keys: '' });
  if (canMove(order) && !first) items.push({ action: 'moveUp', text: 'Move up', keys: 'Alt+↑' });
  if (canMove(order) && !last) items.push({ action: 'moveDown', text: 'Move down', keys: 'Alt+↓' });
  items.push({ action: 'remove', text: 'Delete…', keys: 'Del' });
  return items;
}

/**
 * The menu item a key goes to (arrows wrap around), or null for another key.
 * @param {number} at  The focused item (-1 for none).
 * @param {string} key
 * @param {number} count
 * @returns {number | null}
 */
export function menuMove(at, key, count) {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowDown': return (at + 1) % count;
    case 'ArrowUp': return at <= 0 ? count - 1 : at - 1;
    case 'Home': return 0;
    case 'End': return count - 1;
    default: return null;
  }
}

/**
 * Where a menu of `size` opens for a point (the pointer, or a button's corner) so that it
 * stays inside the window: to the left of or above the point when it would not fit.
 * @param {{x: number, y: number}} point
 * @param {{width: number, height: number}} size
 * @param {{width: number, height: number}} viewport
 * @returns {{left: number, top: number}}
 */
export function menuPosition(point, size, viewport) {
  const margin = 4;
  const left = point.x + size.width + margin > viewport.width ? point.x - size.width : point.x;
  const top = point.y + size.height + margin > viewport.height ? point.y - size.height : point.y;
  return {
    left: Math.max(margin, Math.min(left, viewport.width - size.width - margin)),
    top: Math.max(margin, Math.min(top, viewport.height - size.height - margin)),
  };
}

// Keyboard

/**
 * Whether a key typed while the list has the focus starts a search with it: a letter or a
 * digit, without Ctrl, Alt or Meta (Space, `/`, `+` and the rest keep their own meaning).
 * @param {{key: string, ctrlKey: boolean, altKey: boolean, metaKey: boolean}} event
 */
export function startsSearch({ key, ctrlKey, altKey, metaKey }) {
  return !ctrlKey && !altKey && !metaKey && [...key].length === 1 && /[\p{L}\p{N}]/u.test(key);
}

/**
 * The row Enter in the search box copies: the first one the search shows, or null.
 * @param {string[]} shown
 * @returns {string | null}
 */
export function searchEnterTarget(shown) {
  return shown[0] ?? null;
}

/**
 * The row an arrow, Home or End goes to among the rows the search shows, or null (another
 * key, or no row there).
 * @param {string[]} shown
 * @param {string} id  The focused row.
 * @param {string} key
 * @returns {string | null}
 */
export function navigate(shown, id, key) {
  const at = shown.indexOf(id);
  const target = {
    ArrowDown: shown[at + 1],
    ArrowUp: at > 0 ? shown[at - 1] : undefined,
    Home: shown[0],
    End: shown[shown.length - 1],
  }[key];
  return target ?? null;
}

/** @param {string} key */
export function isNavigationKey(key) {
  return key === 'ArrowDown' || key === 'ArrowUp' || key === 'Home' || key === 'End';
}

/**
 * The row that takes the focus when `id` is deleted: the next shown one, else the previous.
 * @param {string[]} shown
 * @param {string} id
 * @returns {string | null}
 */
export function neighbourAfterDelete(shown, id) {
  const at = shown.indexOf(id);
  if (at < 0) return null;
  return shown[at + 1] ?? shown[at - 1] ?? null;
}

/**
 * The row in the Tab order (one at a time, a roving tabindex): the current one while it is
 * shown, else the first shown, else none.
 * @param {string | null} active
 * @param {string[]} shown
 * @returns {string | null}
 */
export function activeAfter(active, shown) {
  if (active !== null && shown.includes(active)) return active;
  return shown[0] ?? null;
}

// Undo and toasts

/**
 * What the undo toast says with `msLeft` to go: the whole seconds left, rounded up.
 * @param {string} name  The deleted account's name.
 * @param {number} msLeft
 */
export function undoText(name, msLeft) {
  const seconds = Math.max(0, Math.ceil(msLeft / 1000));
  return `Deleted ${name} · ${seconds} s to undo`;
}

/**
 * The room to leave at the end of the list so that the toasts (fixed at the bottom of the
 * window) never cover its last row: their height and the gap below them, or 0 when none shows.
 * @param {number} toastsHeight  px
 * @param {number} bottomGap     px between the toasts and the window's edge
 */
export function toastRoom(toastsHeight, bottomGap) {
  return toastsHeight > 0 ? Math.ceil(toastsHeight + bottomGap) : 0;
}

// The backup reminder

/**
 * The reminder for `backup`, unless the user dismissed this very one (it comes back when the
 * last backup or the count changes).
 * @param {import('./ipc.js').BackupState | null} backup
 * @param {string} dismissed  The key of the reminder dismissed ('' for none).
 * @param {(unixSeconds: number) => string} formatDate
 * @returns {{key: string, show: boolean, text: string}}
 */
export function backupReminder(backup, dismissed, formatDate) {
  const key = backup && backup.added_since > 0 ? `${backup.last_backup}:${backup.added_since}` : '';
  const show = Boolean(key) && key !== dismissed;
  if (!backup || !show) return { key, show, text: '' };
  const since = backup.last_backup === null ? 'never' : formatDate(backup.last_backup);
  return {
    key,
    show,
    text: `${plural(backup.added_since, 'account')} added since your last backup (${since}).`,
  };
}

// Ordering the requests

/**
 * Wraps `load` so that a call while it runs is answered by one more run after it (however
 * many calls came meanwhile): what the caller just changed is surely in the answer it waits
 * for, and the shell is never asked twice at once.
 * @param {() => Promise<void>} load
 * @returns {() => Promise<void>}
 */
export function coalesced(load) {
  /** @type {Promise<void> | null} */
  let running = null;
  /** @type {Promise<void> | null} */
  let queued = null;
  const run = () => {
    if (running) {
      queued ??= running.then(() => {
        queued = null;
        return run();
      });
      return queued;
    }
    running = load().finally(() => { running = null; });
    return running;
  };
  return run;
}

/**
 * A queue that sends requests one after the other, in order. `idle` runs once the last
 * queued request is answered (the list is fetched again then); while any is unanswered,
 * `pending()` is above 0 (a refresh keeps the order on screen, which already shows it).
 * @template T
 * @param {(item: T) => Promise<unknown>} send
 * @param {{failed: (error: any) => void, idle: () => void}} handlers
 */
export function inOrder(send, { failed, idle }) {
  let chain = Promise.resolve();
  let pending = 0;
  return {
    /** @param {T} item */
    push(item) {
      pending += 1;
      chain = chain
        .then(() => send(item))
        .catch(failed)
        .finally(() => {
          pending -= 1;
          if (pending === 0) idle();
        });
      return chain;
    },
    pending: () => pending,
  };
}

/**
 * Start-up marks (ms since the page's time origin) as wall-clock milliseconds, comparable
 * with the shell's and the benchmark's clocks.
 * @param {Record<string, number>} marks
 * @param {number} timeOrigin
 */
export function wallClockMarks(marks, timeOrigin) {
  const wall = Object.fromEntries(Object.entries(marks).map(([name, ms]) => [name, timeOrigin + ms]));
  wall.navigation = timeOrigin;
  return wall;
}
