// Responsiveness of the account list with 1,000 accounts, through the real webview (not a
// test: scripts/bench runs it with `scripts/e2e APP CLI bench/list-1000.mjs`). Seeds 1,000
// accounts with `cogauth import`, opens the window, then measures in the page, from the input
// to the next painted frame:
// - search: typing a term that matches 10 rows, then clearing it (all 1,000 shown again);
// - scrolling: jumping to a quarter, half, three quarters and the end of the list.
// Prints one line `list-1000 {...}` with the medians in milliseconds.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { cli, startApp } from '../tests/e2e/support.mjs';

const COUNT = 1000;

/** RFC 4648 base32 of 20 bytes (160 bits: 32 characters, no padding). */
function toBase32(bytes) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  return bits.match(/.{5}/g).map((chunk) => alphabet[parseInt(chunk, 2)]).join('');
}
let browser;

before(async () => {
  const lines = [];
  for (let i = 0; i < COUNT; i += 1) {
    const base32 = toBase32(randomBytes(20));
    const group = String(Math.floor(i / 10)).padStart(3, '0');
    lines.push(`otpauth://totp/Bench%20${group}:user${i}@example.com?secret=${base32}&issuer=Bench%20${group}`);
  }
  const file = join(process.env.HOME ?? '/tmp', 'bench-1000.txt');
  writeFileSync(file, `${lines.join('\n')}\n`);
  cli(['import', file]);
  assert.equal(JSON.parse(cli(['list', '--json'])).length, COUNT, 'the vault holds every account');
  browser = await startApp();
});

after(async () => {
  await browser?.deleteSession();
});

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Types `term` into the search box; the ms until the frame after it is painted. (Functions,
 * not strings: the page's CSP rightly refuses `new Function`.)
 */
function searchFor(term) {
  return browser.executeAsync((text, done) => {
    const start = performance.now();
    const box = /** @type {HTMLInputElement} */ (document.getElementById('search'));
    box.value = text;
    box.dispatchEvent(new Event('input', { bubbles: true }));
    requestAnimationFrame(() => setTimeout(() => done(performance.now() - start), 0));
  }, term);
}

/** Scrolls to `fraction` of the list; the ms until the frame after it is painted. */
function scrollTo(fraction) {
  return browser.executeAsync((where, done) => {
    const start = performance.now();
    window.scrollTo(0, (document.documentElement.scrollHeight - innerHeight) * where);
    requestAnimationFrame(() => setTimeout(() => done(performance.now() - start), 0));
  }, fraction);
}

test(`search and scrolling with ${COUNT} accounts`, async () => {
  const rowCount = () => browser.execute(() => document.querySelectorAll('li.account').length);
  await browser.waitUntil(async () => (await rowCount()) === COUNT, { timeout: 60000 })
    .catch(async () => assert.fail(`${await rowCount()} rows shown of ${COUNT}`));
  const searchMs = [];
  const clearMs = [];
  for (let i = 0; i < 9; i += 1) {
    searchMs.push(await searchFor(`bench ${String(10 + i * 7).padStart(3, '0')}`));
    const shown = await browser.execute(() => document.querySelectorAll('li.account:not([hidden])').length);
    assert.equal(shown, 10, 'a group of ten matches');
    clearMs.push(await searchFor(''));
  }
  const scrollMs = [];
  for (let i = 0; i < 3; i += 1) {
    for (const where of [0.25, 0.5, 0.75, 1, 0]) scrollMs.push(await scrollTo(where));
  }
  const result = {
    search_ms: median(searchMs), clear_search_ms: median(clearMs), scroll_jump_ms: median(scrollMs),
  };
  console.log(`list-1000 ${JSON.stringify(result)}`);
});
