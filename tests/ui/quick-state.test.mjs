// The quick box's decisions (ui/quick-state.js) and how Settings records and describes its
// shortcut (ui/settings-state.js).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { movedSelection, quickMatches, quickNote, QUICK_ROWS } from '../../ui/quick-state.js';
import { recordedShortcut, settingsToSave, shortcutNote } from '../../ui/settings-state.js';

const account = (id, issuer, label, state = 'active') => ({
  id, issuer, label, state, kind: 'totp', code: { value: '123456', valid_until: 30 }, error: null,
});

const ACCOUNTS = [
  account('a', 'GitHub', 'alice'),
  account('b', 'GitLab', 'bob'),
  account('c', 'Acme', 'alice', 'pending'),
  account('d', 'Amazon', 'alice@example.com'),
];

test('the box finds what the list finds, in the list order, without unfinished enrolments', () => {
  assert.deepEqual(quickMatches(ACCOUNTS, '').map((a) => a.id), ['a', 'b', 'd']);
  assert.deepEqual(quickMatches(ACCOUNTS, 'git').map((a) => a.id), ['a', 'b']);
  assert.deepEqual(quickMatches(ACCOUNTS, 'ALI hub').map((a) => a.id), ['a']);
  assert.deepEqual(quickMatches(ACCOUNTS, 'acme').map((a) => a.id), [], 'pending: no code to copy');
  assert.deepEqual(quickMatches(ACCOUNTS, 'nothing'), []);
});

test('the box shows at most QUICK_ROWS accounts', () => {
  const many = Array.from({ length: 30 }, (_, i) => account(String(i), 'Issuer', `user${i}`));
  assert.equal(quickMatches(many, 'issuer').length, QUICK_ROWS);
  assert.equal(quickMatches(many, 'user29').length, 1);
});

test('arrow keys wrap around the rows, Home and End jump, other keys leave the selection', () => {
  assert.equal(movedSelection(0, 3, 'ArrowDown'), 1);
  assert.equal(movedSelection(2, 3, 'ArrowDown'), 0);
  assert.equal(movedSelection(0, 3, 'ArrowUp'), 2);
  assert.equal(movedSelection(1, 3, 'Home'), 0);
  assert.equal(movedSelection(0, 3, 'End'), 2);
  assert.equal(movedSelection(0, 3, 'a'), null);
  assert.equal(movedSelection(0, 0, 'ArrowDown'), null, 'no rows, no selection');
});

test('the note under the rows says why nothing shows', () => {
  assert.match(quickNote(0, 0), /No accounts yet/);
  assert.match(quickNote(3, 0), /No account matches/);
  assert.match(quickNote(3, 2), /Enter copies/);
});

const press = (code, mods = {}) => ({
  code, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false, ...mods,
});

test('the shortcut field records keys held with Ctrl, Alt or Super, as the shell spells them', () => {
  assert.equal(recordedShortcut(press('KeyC', { ctrlKey: true, altKey: true })), 'Ctrl+Alt+C');
  assert.equal(recordedShortcut(press('Digit7', { metaKey: true, shiftKey: true })), 'Shift+Super+7');
  assert.equal(recordedShortcut(press('F5', { ctrlKey: true })), 'Ctrl+F5');
  assert.equal(recordedShortcut(press('Space', { altKey: true })), 'Alt+Space');
});

test('fail: modifiers alone, plain keys and Shift alone record nothing', () => {
  assert.equal(recordedShortcut(press('ControlLeft', { ctrlKey: true })), null);
  assert.equal(recordedShortcut(press('AltRight', { ctrlKey: true, altKey: true })), null);
  assert.equal(recordedShortcut(press('KeyC')), null);
  assert.equal(recordedShortcut(press('KeyC', { shiftKey: true })), null);
});

test('the shortcut settings are sent with the others', () => {
  const { settings } = settingsToSave({
    clipboard_clear_seconds: '30', tray_accounts: '8', start_hidden: false, autostart: false,
    theme: 'system', quick_shortcut_enabled: false, quick_shortcut: 'Ctrl+Alt+K',
  }, { extra: 1 });
  assert.equal(settings?.quick_shortcut_enabled, false);
  assert.equal(settings?.quick_shortcut, 'Ctrl+Alt+K');
});

test('Settings says whether the shortcut works and what to bind when it cannot', () => {
  const command = 'cogauth-app --quick';
  assert.equal(
    shortcutNote({ state: 'on', keys: 'Ctrl+Alt+C', message: null, command }),
    'Ctrl+Alt+C opens the quick box from any app.',
  );
  assert.match(shortcutNote({ state: 'off', keys: null, message: null, command }), /cogauth-app --quick/);
  const why = 'In a Wayland session applications cannot listen for keys themselves, and …';
  assert.equal(shortcutNote({ state: 'unavailable', keys: null, message: why, command }), why);
  assert.match(shortcutNote({ state: 'unavailable', keys: null, message: null, command }), /cogauth-app --quick/);
});
