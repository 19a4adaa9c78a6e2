// The quick box's decisions, as plain functions: which accounts show for what was typed, and
// where the selection goes. The search is the list's own (accounts-state.js), so both find
// the same accounts; no DOM and no IPC here (quick.js), unit-tested under Node.

import { matchesSearch, searchKey, searchTerms } from './accounts-state.js';

/** The most accounts the box shows: it is for finding one, not for browsing. */
export const QUICK_ROWS = 8;

/**
 * The accounts that show for `text`: those the list's search finds, in the list's order,
 * without unfinished enrolments (they have no code to copy), at most QUICK_ROWS.
 * @param {import('./ipc.js').AccountRow[]} accounts
 * @param {string} text  What the search field holds.
 */
export function quickMatches(accounts, text) {
  const terms = searchTerms(text);
  return accounts
    .filter((account) => account.state !== 'pending' && matchesSearch(searchKey(account), terms))
    .slice(0, QUICK_ROWS);
}

/**
 * The selected row after `key` (Arrow keys wrap around, Home and End jump), or null when the
 * key does not move the selection.
 * @param {number} selected
 * @param {number} count  rows shown
 * @param {string} key
 */
export function movedSelection(selected, count, key) {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowDown':
      return (selected + 1) % count;
    case 'ArrowUp':
      return (selected - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/**
 * What the line under the rows says.
 * @param {number} total  accounts in the vault
 * @param {number} shown
 */
export function quickNote(total, shown) {
  if (total === 0) return 'No accounts yet: add one in CogAuth.';
  if (shown === 0) return 'No account matches.';
  return 'Enter copies · ↑↓ choose · Esc closes';
}
