// The main window: the account list with live codes and countdowns.
//
// Data comes only through ipc.js. Rows are kept by account id and updated in place, so a
// refresh never steals keyboard focus or scroll position. Codes are fetched again when the
// first shown code expires, when the window regains focus, and every few seconds while the
// list is empty or has no time-based code (accounts added with the CLI show up by themselves).

import { listAccounts } from './ipc.js';

/** Poll interval while no shown code expires on its own (empty list, HOTP only, errors). */
const IDLE_REFRESH_MS = 5000;
/** Refresh this long after a code's window ends, so the shell surely computes the next one. */
const EXPIRY_MARGIN_MS = 150;
/** Below this many seconds left the countdown turns to the warning colour. */
const ENDING_SECONDS = 5;

/** Hints shown under a failure, by CommandError kind. The message itself comes from Rust. */
const HINTS = {
  keychain_locked: 'Unlock your keychain (login keyring), then try again.',
  keychain_unavailable: 'CogAuth keeps secrets in the system keychain. Start it (on Linux: a Secret Service such as GNOME Keyring), then try again.',
  config: 'Set COGAUTH_DATA_DIR to the folder that should hold your accounts, then restart CogAuth.',
  index: 'The account list file could not be read. It has not been changed.',
  no_backend: 'Start CogAuth itself rather than opening this page in a browser.',
};

const elements = {
  status: byId('status'),
  problem: byId('problem'),
  problemMessage: byId('problem-message'),
  problemHint: byId('problem-hint'),
  retry: byId('retry'),
  accounts: byId('accounts'),
  empty: byId('empty'),
  rowTemplate: /** @type {HTMLTemplateElement} */ (byId('account-row')),
};

const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

/** @type {Map<string, RowView>} */
const rows = new Map();
let refreshTimer = 0;
let refreshing = false;

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html has no #${id}`);
  return element;
}

/** "287082" → "287 082", "12345678" → "1234 5678"; Steam's five letters stay whole. */
function groupCode(value) {
  if (!/^\d{6,8}$/.test(value)) return value;
  const half = Math.floor(value.length / 2);
  return `${value.slice(0, half)} ${value.slice(half)}`;
}

/** One row of the list, bound to its DOM nodes. */
class RowView {
  constructor() {
    const fragment = /** @type {DocumentFragment} */ (elements.rowTemplate.content.cloneNode(true));
    this.root = /** @type {HTMLLIElement} */ (fragment.firstElementChild);
    const part = (selector) => /** @type {HTMLElement} */ (this.root.querySelector(selector));
    this.issuer = part('.account-issuer');
    this.label = part('.account-label');
    this.code = part('.code');
    this.seconds = part('.seconds');
    this.note = part('.account-note');
    this.countdown = part('.countdown');
    this.fill = part('.countdown-fill');
    /** @type {import('./ipc.js').AccountRow | null} */
    this.account = null;
  }

  /** @param {import('./ipc.js').AccountRow} account */
  update(account) {
    this.account = account;
    const { issuer, label, code, error, state } = account;
    this.issuer.textContent = issuer || label;
    this.label.textContent = issuer ? label : '';
    this.label.hidden = !issuer;
    this.root.dataset.id = account.id;
    this.root.classList.toggle('pending', state === 'pending');

    let note = '';
    let spoken;
    if (code) {
      const grouped = groupCode(code.value);
      this.code.textContent = grouped;
      this.root.classList.remove('no-code');
      spoken = `code ${grouped}`;
    } else {
      this.code.textContent = '––– –––';
      this.root.classList.add('no-code');
      if (error) {
        note = error.message;
        spoken = `no code: ${error.message}`;
      } else if (account.kind === 'hotp') {
        note = 'Counter-based: get the next code with “cogauth code”.';
        spoken = 'counter-based, no code shown';
      } else {
        spoken = 'no code';
      }
    }
    if (state === 'pending') {
      note = `Enrolment not finished${account.pending_reason ? `: ${account.pending_reason}` : ''}. ${note}`.trim();
    }
    this.note.textContent = note;
    this.note.hidden = !note;
    this.root.classList.toggle('has-error', Boolean(error));

    const name = issuer ? `${issuer}, ${label}` : label;
    this.root.setAttribute('aria-label', `${name}, ${spoken}`);
    this.countdown.hidden = !code?.valid_until;
    this.seconds.hidden = !code?.valid_until;
    this.tick(Date.now());
  }

  /**
   * Moves the countdown to `nowMs`.
   * @param {number} nowMs
   */
  tick(nowMs) {
    const code = this.account?.code;
    if (!code?.valid_until || code.valid_from === undefined) return;
    const period = code.valid_until - code.valid_from;
    const left = Math.max(0, code.valid_until - nowMs / 1000);
    const shown = reducedMotion.matches ? Math.ceil(left) : left;
    // CSSOM writes are allowed by the CSP (style-src 'self'); style attributes are not.
    this.fill.style.transform = `scaleX(${Math.min(1, shown / period)})`;
    this.seconds.textContent = `${Math.ceil(left)}s`;
    this.root.classList.toggle('ending', left <= ENDING_SECONDS);
  }
}

/** @param {import('./ipc.js').AccountList} list */
function render(list) {
  hideProblem();
  const seen = new Set();
  let previous = null;
  for (const account of list.accounts) {
    seen.add(account.id);
    let row = rows.get(account.id);
    if (!row) {
      row = new RowView();
      rows.set(account.id, row);
    }
    row.update(account);
    // Keep DOM order equal to the stored order without detaching rows that are in place
    // (detaching would drop focus).
    const expected = previous ? previous.nextElementSibling : elements.accounts.firstElementChild;
    if (expected !== row.root) {
      elements.accounts.insertBefore(row.root, expected);
    }
    previous = row.root;
  }
  for (const [id, row] of rows) {
    if (!seen.has(id)) {
      row.root.remove();
      rows.delete(id);
    }
  }
  const empty = list.accounts.length === 0;
  elements.accounts.hidden = empty;
  elements.empty.hidden = !empty;
  setStatus(empty ? 'No accounts.' : '');
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
  setStatus('');
}

function hideProblem() {
  elements.problem.hidden = true;
}

/** @param {string} text */
function setStatus(text) {
  if (elements.status.textContent !== text) elements.status.textContent = text;
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

async function refresh() {
  if (refreshing) return;
  refreshing = true;
  window.clearTimeout(refreshTimer);
  let delay = IDLE_REFRESH_MS;
  try {
    render(await listAccounts());
    delay = nextRefreshDelay();
  } catch (error) {
    showProblem(/** @type {import('./ipc.js').CommandError} */ (error));
  } finally {
    refreshing = false;
    refreshTimer = window.setTimeout(refresh, delay);
  }
}

function animate() {
  const now = Date.now();
  for (const row of rows.values()) row.tick(now);
  window.requestAnimationFrame(animate);
}

/**
 * Arrow keys, Home and End move between rows, as in a list box.
 * @param {KeyboardEvent} event
 */
function onListKey(event) {
  const row = /** @type {HTMLElement} */ (event.target).closest('.account');
  if (!row) return;
  const all = /** @type {HTMLElement[]} */ ([...elements.accounts.children]);
  const at = all.indexOf(row);
  const target = {
    ArrowDown: all[at + 1],
    ArrowUp: all[at - 1],
    Home: all[0],
    End: all[all.length - 1],
  }[event.key];
  if (target) {
    event.preventDefault();
    target.focus();
  }
}

function start() {
  setStatus('Loading accounts…');
  elements.accounts.addEventListener('keydown', onListKey);
  elements.retry.addEventListener('click', () => refresh());
  window.addEventListener('focus', () => refresh());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') refresh();
  });
  window.requestAnimationFrame(animate);
  refresh();
}

start();
