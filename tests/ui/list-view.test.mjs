// The dense list's state (ui/accounts-state.js) under Node: avatars, the orders and when rows
// move by hand, the row menu, the keys that start a search or copy from it, the undo toast's
// time left and the room the toasts take at the end of the list.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import {
  AVATAR_HUES, avatarFor, canMove, changedView, menuItems, menuMove, menuPosition, ORDERS,
  searchEnterTarget, startsSearch, toastRoom, undoText,
} from '../../ui/accounts-state.js';

const UI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ui');

function account(overrides = {}) {
  return {
    id: '0123456789abcdef', issuer: 'ACME', label: 'alice', kind: 'totp', state: 'active',
    code: { value: '123456', valid_from: 0, valid_until: 30 }, next: null, error: null, ...overrides,
  };
}

/** WCAG relative luminance of an HSL colour (h in degrees, s and l in 0..1). */
function luminance(h, s, l) {
  const a = s * Math.min(l, 1 - l);
  const channel = (n) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(8) + 0.0722 * channel(4);
}
const contrast = (a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

describe('avatars', () => {
  test('the letter is the issuer’s first letter or digit, else the label’s', () => {
    assert.equal(avatarFor({ issuer: 'github', label: 'x' }).letter, 'G');
    assert.equal(avatarFor({ issuer: '  ', label: 'alice' }).letter, 'A');
    assert.equal(avatarFor({ issuer: '1Password', label: '' }).letter, '1');
    assert.equal(avatarFor({ issuer: '(ACME)', label: '' }).letter, 'A');
    assert.equal(avatarFor({ issuer: 'Ébène', label: '' }).letter, 'É');
    assert.equal(avatarFor({ issuer: '', label: '' }).letter, '?');
  });

  test('the colour depends on the issuer only, ignoring case, and is one of the palette', () => {
    const one = avatarFor({ issuer: 'GitHub', label: 'alice' });
    assert.deepEqual(avatarFor({ issuer: 'github', label: 'bob' }), one);
    assert.ok(AVATAR_HUES.includes(one.hue));
    const issuers = ['GitHub', 'Google', 'ACME', 'Amazon', 'AWS', 'Dropbox', 'Slack', 'GitLab', 'Proton', 'Reddit',
      'Discord', 'Microsoft', 'Apple', 'Twitter', 'Mastodon', 'Fastmail', 'Cloudflare', 'npm', 'PyPI', 'Bank'];
    const hues = new Set(issuers.map((issuer) => avatarFor({ issuer, label: '' }).hue));
    assert.ok(hues.size >= 7, `20 issuers get ${hues.size} colours`);
  });

  test('every hue keeps 4.5:1 with its letter in both themes (the lightness style.css uses)', () => {
    const css = readFileSync(join(UI, 'style.css'), 'utf8');
    const light = css.match(/\.avatar \{[^}]*background: hsl\(var\(--avatar-hue, \d+\) (\d+)% (\d+)%\)/);
    const dark = css.match(/\.avatar \{\s*background: hsl\(var\(--avatar-hue, \d+\) (\d+)% (\d+)%\)/);
    assert.ok(light && dark, 'style.css sets the avatar colours');
    const white = 1;
    const nearBlack = luminance(222, 0.16, 0.08);
    for (const hue of AVATAR_HUES) {
      const onLight = contrast(white, luminance(hue, light[1] / 100, light[2] / 100));
      const onDark = contrast(nearBlack, luminance(hue, dark[1] / 100, dark[2] / 100));
      assert.ok(onLight >= 4.5, `hue ${hue}: ${onLight.toFixed(2)}:1 in the light theme`);
      assert.ok(onDark >= 4.5, `hue ${hue}: ${onDark.toFixed(2)}:1 in the dark theme`);
    }
  });
});

describe('orders', () => {
  test('the menu offers the shell’s four orders, and rows move by hand in the manual one only', () => {
    assert.deepEqual(Object.keys(ORDERS), ['manual', 'name', 'issuer', 'recent']);
    const html = readFileSync(join(UI, 'index.html'), 'utf8');
    const options = [...html.matchAll(/<option value="(\w+)">/g)].map((match) => match[1]);
    for (const order of Object.keys(ORDERS)) assert.ok(options.includes(order), `${order} offered`);
    assert.equal(canMove('manual'), true);
    for (const order of ['name', 'issuer', 'recent']) assert.equal(canMove(order), false);
  });

  test('changing one part of the view keeps the other', () => {
    assert.deepEqual(changedView({ order: 'manual', density: 'compact' }, { order: 'recent' }),
      { order: 'recent', density: 'compact' });
  });
});

describe('the row menu', () => {
  const actions = (acc, where) => menuItems(acc, where).map((item) => item.action);

  test('a TOTP row: copy, rename, reveal, the moves that go somewhere, delete', () => {
    assert.deepEqual(actions(account(), { order: 'manual', first: false, last: false }),
      ['copy', 'rename', 'reveal', 'moveUp', 'moveDown', 'remove']);
    assert.deepEqual(actions(account(), { order: 'manual', first: true, last: false }),
      ['copy', 'rename', 'reveal', 'moveDown', 'remove']);
    assert.deepEqual(actions(account(), { order: 'name', first: false, last: false }),
      ['copy', 'rename', 'reveal', 'remove']);
  });

  test('HOTP offers the next code; a pending enrolment offers to finish it and its details, and no copy', () => {
    assert.ok(actions(account({ kind: 'hotp', code: null }), { order: 'issuer', first: true, last: true })
      .includes('hotpNext'));
    assert.deepEqual(actions(account({ state: 'pending', cognito: {} }), { order: 'recent', first: true, last: true }),
      ['finish', 'cognito', 'rename', 'remove']);
  });

  test('arrows wrap around, Home and End jump, other keys do nothing', () => {
    assert.equal(menuMove(-1, 'ArrowDown', 4), 0);
    assert.equal(menuMove(3, 'ArrowDown', 4), 0);
    assert.equal(menuMove(0, 'ArrowUp', 4), 3);
    assert.equal(menuMove(2, 'Home', 4), 0);
    assert.equal(menuMove(0, 'End', 4), 3);
    assert.equal(menuMove(0, 'x', 4), null);
    assert.equal(menuMove(0, 'ArrowDown', 0), null);
  });

  test('the menu stays inside the window', () => {
    const size = { width: 200, height: 150 };
    const viewport = { width: 420, height: 640 };
    assert.deepEqual(menuPosition({ x: 10, y: 10 }, size, viewport), { left: 10, top: 10 });
    assert.deepEqual(menuPosition({ x: 400, y: 600 }, size, viewport), { left: 200, top: 450 });
    assert.deepEqual(menuPosition({ x: 100, y: 100 }, { width: 500, height: 150 }, viewport).left, 4);
  });
});

describe('the keyboard', () => {
  const key = (k, mods = {}) => ({ key: k, ctrlKey: false, altKey: false, metaKey: false, ...mods });

  test('a letter or digit starts a search; keys with a meaning of their own do not', () => {
    for (const k of ['a', 'Z', '7', 'é']) assert.equal(startsSearch(key(k)), true, k);
    for (const k of [' ', '/', '+', 'Enter', 'Escape', 'ArrowDown', 'F2', 'Delete', 'Tab']) {
      assert.equal(startsSearch(key(k)), false, k);
    }
    assert.equal(startsSearch(key('f', { ctrlKey: true })), false);
    assert.equal(startsSearch(key('a', { altKey: true })), false);
  });

  test('Enter in the search copies the first row it shows', () => {
    assert.equal(searchEnterTarget(['b', 'c']), 'b');
    assert.equal(searchEnterTarget([]), null);
  });
});

describe('toasts', () => {
  test('the undo says its seconds left, rounded up', () => {
    assert.equal(undoText('ACME:alice', 10000), 'Deleted ACME:alice · 10 s to undo');
    assert.equal(undoText('ACME:alice', 9001), 'Deleted ACME:alice · 10 s to undo');
    assert.equal(undoText('ACME:alice', 1), 'Deleted ACME:alice · 1 s to undo');
    assert.equal(undoText('ACME:alice', -5), 'Deleted ACME:alice · 0 s to undo');
  });

  test('the list leaves the toasts’ height and their gap at its end, and nothing without one', () => {
    assert.equal(toastRoom(0, 16), 0);
    assert.equal(toastRoom(41.5, 16), 58);
  });
});
