// The account list's state (ui/accounts-state.js) under Node: what rows show, the search,
// the countdown and refresh timing, which rows tick, pending deletes, the manual order, the
// keyboard selection, the backup reminder, and the two request queues.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  activeAfter, backupReminder, clockNote, coalesced, copyRefusal, countdown, dropIndex, dropsAfter,
  EXPIRY_MARGIN_MS, IDLE_REFRESH_MS, inOrder, keyMoveIndex, listPlaceholder, markDeleted,
  matchesSearch, MAX_CLOCK_SKEW_SECONDS, MIN_REFRESH_MS, moveAnchor, moved, navigate, neighbourAfterDelete, NO_CODE,
  nextRefreshDelay, nextTickDelay, problemModel, rowModel, rowsToTick, searchKey, searchSummary,
  searchTerms, unmarkDeleted, wallClockMarks, withoutDeleted,
} from '../../ui/accounts-state.js';

/** A TOTP account valid from `from` to `until` (Unix seconds). */
function totp(id, issuer, label, { from = 990, until = 1020, value = '287082', next = '359152' } = {}) {
  return {
    id, issuer, label, kind: 'totp', period: 30, algorithm: 'SHA1', digits: 6, state: 'active',
    code: { value, counter: 33, valid_from: from, valid_until: until },
    next: next ? { value: next, counter: 34, valid_from: until, valid_until: until + 30 } : null,
    error: null,
  };
}

function hotp(id, issuer, label) {
  return {
    id, issuer, label, kind: 'hotp', counter: 5, algorithm: 'SHA1', digits: 6, state: 'active',
    code: null, error: null,
  };
}

describe('what a row shows', () => {
  test('a TOTP account: issuer over label, the code grouped, a countdown', () => {
    const model = rowModel(totp('a', 'ACME', 'alice'), '');
    assert.equal(model.title, 'ACME');
    assert.equal(model.subtitle, 'alice');
    assert.equal(model.code, '287 082');
    assert.equal(model.nextCode, '359 152');
    assert.equal(model.label, 'ACME (alice), code 287 082');
    assert.equal(model.timed, true);
    assert.equal(model.note, '');
    assert.deepEqual(model.show, { hotpNext: false, finish: false, reveal: true });
    assert.equal(model.names.delete, 'Delete ACME (alice)');
  });

  test('no issuer: the label is the title, with no subtitle', () => {
    const model = rowModel(totp('a', '', 'alice'), '');
    assert.equal(model.title, 'alice');
    assert.equal(model.subtitle, '');
    assert.equal(model.label, 'alice, code 287 082');
  });

  test('HOTP: no code until asked, then the one last shown', () => {
    const before = rowModel(hotp('h', 'Bank', 'erin'), '');
    assert.equal(before.code, NO_CODE);
    assert.equal(before.hasCode, false);
    assert.match(before.note, /Next code/);
    assert.equal(before.label, 'Bank (erin), counter-based, no code shown');
    assert.equal(before.show.hotpNext, true);
    assert.equal(before.timed, false);
    const after = rowModel(hotp('h', 'Bank', 'erin'), '12345678');
    assert.equal(after.code, '1234 5678');
    assert.equal(after.note, '');
  });

  test('a keychain error is the note and the spoken reason', () => {
    const account = { ...totp('a', 'ACME', 'alice'), code: null, next: null, error: { kind: 'keychain_locked', message: 'the keychain is locked' } };
    const model = rowModel(account, '');
    assert.equal(model.code, NO_CODE);
    assert.equal(model.note, 'the keychain is locked');
    assert.equal(model.hasError, true);
    assert.equal(model.label, 'ACME (alice), no code: the keychain is locked');
    assert.equal(copyRefusal(account), 'the keychain is locked');
  });

  test('a pending enrolment says so, offers "Finish" only with its pool, and no reveal', () => {
    const pending = {
      ...totp('p', 'Cognito', 'demo'), state: 'pending', pending_reason: 'not verified',
      cognito: { region: 'eu-west-1', user_pool_id: 'eu-west-1_A', username: 'demo' },
    };
    const model = rowModel(pending, '');
    assert.equal(model.pending, true);
    assert.equal(model.note, 'Enrolment not finished: not verified');
    assert.deepEqual(model.show, { hotpNext: false, finish: true, reveal: false });
    assert.equal(rowModel({ ...pending, cognito: null, pending_reason: undefined }, '').show.finish, false);
    assert.equal(rowModel({ ...pending, pending_reason: undefined }, '').note, 'Enrolment not finished.');
  });

  test('a Cognito account whose codes came from a clock far from Cognito\'s says so', () => {
    const cognito = (clockAhead) => ({
      ...totp('c', 'Cognito', 'demo'),
      cognito: { region: 'eu-west-1', user_pool_id: 'eu-west-1_A', username: 'demo', clock_ahead: clockAhead },
    });
    const ahead = rowModel(cognito(47), '');
    assert.equal(ahead.note, 'This computer\'s clock is 47 s ahead of Cognito\'s; fix the system time.');
    assert.equal(ahead.label, 'Cognito (demo), code 287 082; This computer\'s clock is 47 s ahead of Cognito\'s; fix the system time.');
    assert.equal(ahead.hasCode, true, 'the code is still shown');
    assert.equal(rowModel(cognito(-90), '').note, 'This computer\'s clock is 90 s behind Cognito\'s; fix the system time.');
    assert.equal(rowModel(cognito(MAX_CLOCK_SKEW_SECONDS), '').note, '', 'up to the limit: nothing');
    assert.equal(rowModel(cognito(-MAX_CLOCK_SKEW_SECONDS), '').note, '');
    assert.match(rowModel(cognito(MAX_CLOCK_SKEW_SECONDS + 1), '').note, /16 s ahead/);
    assert.equal(rowModel(cognito(3), '').label, 'Cognito (demo), code 287 082');
    const unknown = { ...totp('c', 'Cognito', 'demo'), cognito: { region: 'eu-west-1', user_pool_id: 'eu-west-1_A', username: 'demo' } };
    assert.equal(rowModel(unknown, '').note, '', 'not measured yet');
    const pending = { ...cognito(-20), state: 'pending', pending_reason: 'not verified' };
    assert.equal(rowModel(pending, '').note,
      'Enrolment not finished: not verified. This computer\'s clock is 20 s behind Cognito\'s; fix the system time.');
  });

  test('the clock limit is core\'s MAX_CLOCK_SKEW', () => {
    assert.equal(MAX_CLOCK_SKEW_SECONDS, 15);
    assert.equal(clockNote(null), '');
    assert.equal(clockNote(undefined), '');
    assert.equal(clockNote(Number.NaN), '');
    assert.equal(clockNote(15), '');
    assert.equal(clockNote(-16), 'This computer\'s clock is 16 s behind Cognito\'s; fix the system time.');
  });

  test('copying: HOTP always can, a time-based account only with a code', () => {
    assert.equal(copyRefusal(hotp('h', 'Bank', 'erin')), null);
    assert.equal(copyRefusal(totp('a', 'ACME', 'alice')), null);
    assert.equal(copyRefusal({ ...totp('a', 'ACME', 'alice'), code: null }), 'This account has no code to copy yet.');
  });

  test('a failed fetch: core\'s message with a hint by kind', () => {
    assert.deepEqual(problemModel({ kind: 'keychain_locked', message: 'locked' }),
      { message: 'locked', hint: 'Unlock your keychain (login keyring), then try again.' });
    assert.deepEqual(problemModel({ kind: 'something_new', message: 'odd' }), { message: 'odd', hint: '' });
  });
});

describe('countdown and refresh timing', () => {
  const account = totp('a', 'ACME', 'alice', { from: 990, until: 1020 });

  test('whole seconds left, rounded up; the bar steps with them', () => {
    const state = countdown(account, 1000_000); // 1000 s: 20 s left
    assert.deepEqual(state, { seconds: 20, ending: false, showNext: false, scale: 20 / 30 });
    assert.equal(countdown(account, 1000_400).seconds, 20, '19.6 s left shows 20');
  });

  test('the last 5 s are "ending" and show the next code', () => {
    const state = countdown(account, 1015_000);
    assert.equal(state.ending, true);
    assert.equal(state.showNext, true);
    assert.equal(countdown({ ...account, next: null }, 1015_000).showNext, false);
    assert.equal(countdown(account, 1014_900).ending, false);
  });

  test('an expired code shows 0 s and an empty bar, never negative', () => {
    assert.deepEqual(countdown(account, 1030_000), { seconds: 0, ending: true, showNext: true, scale: 0 });
  });

  test('HOTP and codes without a window have no countdown', () => {
    assert.equal(countdown(hotp('h', 'Bank', 'erin'), 1000_000), null);
    assert.equal(countdown(null, 1000_000), null);
  });

  test('the list is fetched just after the first shown code expires', () => {
    const soon = totp('b', 'B', 'b', { from: 1000, until: 1010 });
    assert.equal(nextRefreshDelay([account, soon, hotp('h', 'H', 'h')], 1000_000), 10_000 + EXPIRY_MARGIN_MS);
  });

  test('never sooner than the minimum, and the idle interval when nothing expires', () => {
    assert.equal(nextRefreshDelay([account], 1030_000), MIN_REFRESH_MS);
    assert.equal(nextRefreshDelay([hotp('h', 'H', 'h'), null], 1000_000), IDLE_REFRESH_MS);
    assert.equal(nextRefreshDelay([], 1000_000), IDLE_REFRESH_MS);
  });

  test('ticks land just after each whole second', () => {
    assert.equal(nextTickDelay(5_000), 1020);
    assert.equal(nextTickDelay(5_999), 21);
    assert.equal((5_250 + nextTickDelay(5_250)) % 1000, 20);
  });

  test('only rows on screen tick, and none while the page is hidden', () => {
    const rows = [{ id: 'a', onScreen: true }, { id: 'b', onScreen: false }, { id: 'c', onScreen: true }];
    assert.deepEqual(rowsToTick(rows, true).map((row) => row.id), ['a', 'c']);
    assert.deepEqual(rowsToTick(rows, false), []);
    assert.deepEqual(rowsToTick(new Map(rows.map((row) => [row.id, row])).values(), true).length, 2);
  });
});

describe('search', () => {
  test('words, any case, any spacing', () => {
    assert.deepEqual(searchTerms('  ACME   Ali '), ['acme', 'ali']);
    assert.deepEqual(searchTerms(''), []);
  });

  test('every word must be in the issuer or the label', () => {
    const key = searchKey({ issuer: 'ACME Corp', label: 'alice@example.com' });
    assert.ok(matchesSearch(key, searchTerms('acme alice')));
    assert.ok(matchesSearch(key, searchTerms('EXAMPLE')));
    assert.ok(matchesSearch(key, []), 'an empty search keeps every row');
    assert.ok(!matchesSearch(key, searchTerms('acme bob')));
    // The issuer and label are separate: a word cannot span them.
    assert.ok(!matchesSearch(key, ['corpalice']));
  });

  test('the summary counts rows shown of all', () => {
    assert.equal(searchSummary(1, 1), '1 of 1 account shown.');
    assert.equal(searchSummary(2, 5), '2 of 5 accounts shown.');
  });

  test('"no accounts yet" and "no match" are different placeholders', () => {
    assert.deepEqual(listPlaceholder(0, 0), { empty: true, noMatch: false });
    assert.deepEqual(listPlaceholder(3, 0), { empty: false, noMatch: true });
    assert.deepEqual(listPlaceholder(3, 1), { empty: false, noMatch: false });
  });
});

describe('pending deletes', () => {
  test('an account deleted in this run stays hidden even if an older list has it', () => {
    const list = [totp('a', 'A', 'a'), totp('b', 'B', 'b')];
    const deleted = markDeleted(new Set(), 'a');
    assert.deepEqual(withoutDeleted(list, deleted).map((account) => account.id), ['b']);
    assert.deepEqual(withoutDeleted(list, unmarkDeleted(deleted, 'a')).map((account) => account.id), ['a', 'b']);
  });

  test('marking returns a new set and leaves the old one alone', () => {
    const before = new Set(['x']);
    const after = markDeleted(before, 'y');
    assert.deepEqual([...before], ['x']);
    assert.deepEqual([...after].sort(), ['x', 'y']);
    assert.deepEqual([...unmarkDeleted(after, 'x')], ['y']);
    assert.deepEqual([...after].sort(), ['x', 'y']);
  });

  test('focus goes to the next shown row, or the previous at the end', () => {
    assert.equal(neighbourAfterDelete(['a', 'b', 'c'], 'b'), 'c');
    assert.equal(neighbourAfterDelete(['a', 'b', 'c'], 'c'), 'b');
    assert.equal(neighbourAfterDelete(['a'], 'a'), null);
    assert.equal(neighbourAfterDelete(['a'], 'z'), null);
  });
});

describe('manual order', () => {
  const order = ['a', 'b', 'c', 'd'];

  test('moving puts the row at its index afterwards', () => {
    assert.deepEqual(moved(order, 'a', 2), ['b', 'c', 'a', 'd']);
    assert.deepEqual(moved(order, 'd', 0), ['d', 'a', 'b', 'c']);
    assert.equal(moveAnchor(order, 'a', 2), 'd');
    assert.equal(moveAnchor(order, 'a', 3), null, 'the end of the list');
  });

  test('Alt+arrows step past the neighbour the search shows, skipping hidden rows', () => {
    // b and c are hidden by the search: a moves past d.
    const shown = ['a', 'd'];
    const down = keyMoveIndex(order, shown, 'a', 1);
    assert.equal(down, 3);
    assert.deepEqual(moved(order, 'a', down), ['b', 'c', 'd', 'a']);
    const up = keyMoveIndex(order, shown, 'd', -1);
    assert.equal(up, 0);
    assert.deepEqual(moved(order, 'd', up), ['d', 'a', 'b', 'c']);
    assert.equal(keyMoveIndex(order, shown, 'a', -1), null, 'the first row cannot go up');
    assert.equal(keyMoveIndex(order, shown, 'd', 1), null, 'the last row cannot go down');
  });

  test('Alt+Down then Alt+Up gives the order back', () => {
    const once = moved(order, 'b', keyMoveIndex(order, order, 'b', 1));
    assert.deepEqual(once, ['a', 'c', 'b', 'd']);
    assert.deepEqual(moved(once, 'b', keyMoveIndex(once, once, 'b', -1)), order);
  });

  test('a drop lands before or after the target row', () => {
    assert.deepEqual(moved(order, 'a', dropIndex(order, 'a', 'c', false)), ['b', 'a', 'c', 'd']);
    assert.deepEqual(moved(order, 'a', dropIndex(order, 'a', 'c', true)), ['b', 'c', 'a', 'd']);
    assert.deepEqual(moved(order, 'd', dropIndex(order, 'd', 'a', false)), ['d', 'a', 'b', 'c']);
    assert.equal(dropsAfter(130, { top: 100, height: 40 }), true);
    assert.equal(dropsAfter(110, { top: 100, height: 40 }), false);
  });
});

describe('keyboard selection', () => {
  const shown = ['a', 'b', 'c'];

  test('arrows, Home and End move among the rows shown', () => {
    assert.equal(navigate(shown, 'a', 'ArrowDown'), 'b');
    assert.equal(navigate(shown, 'b', 'ArrowUp'), 'a');
    assert.equal(navigate(shown, 'c', 'ArrowDown'), null);
    assert.equal(navigate(shown, 'a', 'ArrowUp'), null);
    assert.equal(navigate(shown, 'b', 'Home'), 'a');
    assert.equal(navigate(shown, 'a', 'End'), 'c');
    assert.equal(navigate(shown, 'a', 'x'), null);
  });

  test('one row is in the Tab order: the same while shown, else the first shown', () => {
    assert.equal(activeAfter('b', shown), 'b');
    assert.equal(activeAfter('z', shown), 'a');
    assert.equal(activeAfter(null, shown), 'a');
    assert.equal(activeAfter('a', []), null);
  });
});

describe('backup reminder', () => {
  const date = (unix) => `day ${unix}`;

  test('nothing added since the last backup: no reminder', () => {
    assert.deepEqual(backupReminder({ last_backup: 100, added_since: 0 }, '', date), { key: '', show: false, text: '' });
    assert.deepEqual(backupReminder(null, '', date), { key: '', show: false, text: '' });
  });

  test('says how many and since when (never, or the date)', () => {
    assert.deepEqual(backupReminder({ last_backup: null, added_since: 3 }, '', date),
      { key: 'null:3', show: true, text: '3 accounts added since your last backup (never).' });
    assert.equal(backupReminder({ last_backup: 100, added_since: 1 }, '', date).text,
      '1 account added since your last backup (day 100).');
  });

  test('a dismissed reminder stays away until the count changes', () => {
    const backup = { last_backup: 100, added_since: 2 };
    const { key } = backupReminder(backup, '', date);
    assert.equal(backupReminder(backup, key, date).show, false);
    assert.equal(backupReminder({ ...backup, added_since: 3 }, key, date).show, true);
  });
});

describe('request ordering', () => {
  test('calls during a fetch are answered by exactly one more fetch after it', async () => {
    const started = [];
    /** @type {(() => void)[]} */
    const finish = [];
    const refresh = coalesced(() => new Promise((resolve) => {
      started.push(started.length + 1);
      finish.push(resolve);
    }));
    const first = refresh();
    const second = refresh();
    const third = refresh();
    assert.equal(second, third, 'the waiting callers share the next fetch');
    assert.deepEqual(started, [1]);
    finish[0]();
    await first;
    await new Promise((resolve) => { setImmediate(resolve); });
    assert.deepEqual(started, [1, 2], 'one more fetch, not two');
    let done = false;
    second.then(() => { done = true; });
    await new Promise((resolve) => { setImmediate(resolve); });
    assert.equal(done, false, 'the callers wait for the second fetch');
    finish[1]();
    await second;
  });

  test('a failed fetch does not block the next one', async () => {
    let calls = 0;
    const refresh = coalesced(async () => {
      calls += 1;
      if (calls === 1) throw new Error('no');
    });
    await assert.rejects(refresh());
    await refresh();
    assert.equal(calls, 2);
  });

  test('moves are sent one at a time, in order; idle runs once after the last', async () => {
    const log = [];
    let idle = 0;
    const failures = [];
    const queue = inOrder(async (move) => {
      log.push(`start ${move}`);
      await new Promise((resolve) => { setTimeout(resolve, move === 1 ? 20 : 1); });
      if (move === 2) throw new Error('refused');
      log.push(`end ${move}`);
    }, { failed: (error) => failures.push(error.message), idle: () => { idle += 1; } });
    queue.push(1);
    queue.push(2);
    const last = queue.push(3);
    assert.equal(queue.pending(), 3);
    await last;
    await new Promise((resolve) => { setImmediate(resolve); });
    assert.deepEqual(log, ['start 1', 'end 1', 'start 2', 'start 3', 'end 3']);
    assert.deepEqual(failures, ['refused'], 'a refused move is reported and the next still sent');
    assert.equal(queue.pending(), 0);
    assert.equal(idle, 1);
  });
});

test('start-up marks become wall-clock times', () => {
  assert.deepEqual(wallClockMarks({ script: 5, painted: 40 }, 1_700_000_000_000),
    { script: 1_700_000_000_005, painted: 1_700_000_000_040, navigation: 1_700_000_000_000 });
});
