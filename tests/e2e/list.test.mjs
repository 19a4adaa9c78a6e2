// The account list made for scanning (issue 17, items 1 to 6), through the real webview with 22
// more accounts added by the CLI: one-line rows (10+ in the default 420×640 window), the
// compact density, avatars, the lasting order (a view over the manual order, remembered in
// settings.json, "recently used" following copies), delete with a counting-down undo that
// Ctrl+Z reaches from the search box, room for the toasts at the end of the list, and the
// keyboard: typing searches, Enter copies the first match (measured from a focused window to
// the code on the X clipboard), Ctrl+F, Esc. Saves list-light.png and list-dark.png.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';

import {
  accountRow, backToList, cli, clipboardText, listed, nowUnix, oathtoolTotp, press, rowAction, screenshot,
  startApp, until,
} from './support.mjs';

const ISSUERS = [
  ['GitHub', 'alice@example.com'], ['Google', 'alice.smith@gmail.com'], ['Amazon Web Services', 'root'],
  ['Dropbox', 'alice@example.com'], ['Slack', 'acme-corp'], ['Proton', 'alice@proton.me'],
  ['Reddit', 'u/alice'], ['Discord', 'alice#0042'], ['Microsoft', 'alice@outlook.com'],
  ['Mastodon', '@alice@hachyderm.io'], ['Fastmail', 'alice@fastmail.com'], ['Cloudflare', 'ops@example.com'],
  ['npm', 'alice'], ['PyPI', 'alice'], ['Bitwarden', 'alice@example.com'], ['Tailscale', 'alice@github'],
  ['DigitalOcean', 'billing@example.com'], ['Hetzner', 'K0123456789'], ['Zulip', 'alice@chat.example.com'],
  ['Kraken', 'alice'], ['GitLab', 'alice'], ['Vaultwarden', 'admin'],
];

/** RFC 4648 base32 of `text`'s bytes, padded out to 20 bytes: a distinct secret per account. */
function secretFor(text) {
  const bytes = Buffer.concat([Buffer.from(text), Buffer.alloc(20)]).subarray(0, 20);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  return bits.match(/.{5}/g).map((chunk) => alphabet[parseInt(chunk, 2)]).join('');
}

const settingsFile = join(process.env.COGAUTH_CONFIG_DIR ?? '', 'settings.json');
const listSettings = () => JSON.parse(readFileSync(settingsFile, 'utf8')).list ?? {};

/** @type {WebdriverIO.Browser} */
let browser;
/** Ids of the accounts this file added, by issuer. */
const ids = new Map();

before(async () => {
  for (const [issuer, label] of ISSUERS) {
    cli(['add', `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(label)}?secret=${secretFor(issuer)}&issuer=${encodeURIComponent(issuer)}`]);
  }
  for (const account of listed()) {
    if (ISSUERS.some(([issuer, label]) => issuer === account.issuer && label === account.label)) {
      ids.set(account.issuer, account.id);
    }
  }
  assert.equal(ids.size, ISSUERS.length);
  browser = await startApp();
  await browser.$('li.account').waitForDisplayed();
});

after(async () => {
  await browser?.deleteSession();
  for (const id of ids.values()) {
    if (listed().some((a) => a.id === id)) cli(['remove', id]);
  }
});

beforeEach(async () => {
  if (!browser) return;
  await backToList(browser);
  await browser.execute(() => {
    const search = /** @type {HTMLInputElement} */ (document.getElementById('search'));
    if (search.value) {
      search.value = '';
      search.dispatchEvent(new Event('input'));
    }
  });
});

/** The ids of the rows on screen, in order. */
const shownOrder = () => browser.execute(() => [...document.querySelectorAll('li.account:not([hidden])')]
  .map((li) => /** @type {HTMLElement} */ (li).dataset.id));

/** Chooses an order in the list's menu and waits for the shell to remember it. */
async function chooseOrder(order) {
  // The toolbar is at the top of the page: scrolled away, the sticky header would cover it.
  await browser.execute(() => window.scrollTo(0, 0));
  await browser.$('#list-order').selectByAttribute('value', order);
  await until(() => listSettings().order === order, `order ${order} in settings.json`);
  await until(async () => (await browser.execute(() => document.getElementById('accounts').dataset.order)) === order,
    'the list redrawn in that order');
}

/** Waits for two frames, so that the rows coming into view are painted. */
const painted = () => browser.executeAsync((done) => {
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 300)));
});

/** Rows entirely inside the window, and their heights. */
const visibleRows = () => browser.execute(() => {
  const shown = [...document.querySelectorAll('li.account:not([hidden])')];
  const rows = shown.map((li) => li.getBoundingClientRect());
  return {
    window: [window.innerWidth, window.innerHeight],
    // Rows with a note (an error, a pending enrolment, HOTP's hint) have a second line.
    heights: shown.filter((li) => li.querySelector('.account-note').hidden)
      .map((li) => li.getBoundingClientRect())
      .filter((box) => box.top >= 0 && box.bottom <= window.innerHeight)
      .map((box) => Math.round(box.height)),
    tall: shown.filter((li) => li.querySelector('.account-note').hidden && li.getBoundingClientRect().height > 56)
      .map((li) => li.textContent.replace(/\s+/g, ' ')).join(' | '),
    inside: rows.filter((box) => box.top >= 0 && box.bottom <= window.innerHeight).length,
  };
});

test('one-line rows: 10 or more accounts in the default window, with a menu per row; light and dark screenshots', async () => {
  await browser.execute(() => window.scrollTo(0, 0));
  // The backup reminder (every account here was added since the last backup, never) takes
  // room until it is dismissed: counted both ways.
  if (await browser.$('#backup-banner').isDisplayed()) {
    const withBanner = await visibleRows();
    console.log(`# default 420x640 window with the backup reminder: ${withBanner.inside} accounts fully visible`);
    await press(browser.$('#backup-dismiss'));
    await browser.execute(() => window.scrollTo(0, 0));
  }
  // Not in a period's last seconds, when the rings turn orange and the next codes show.
  const intoPeriod = (Date.now() / 1000) % 30;
  if (intoPeriod > 22) await new Promise((resolve) => { setTimeout(resolve, (31 - intoPeriod) * 1000); });
  await painted();
  await screenshot(browser, 'list-light');
  await browser.execute(() => /** @type {any} */ (window).cogauthApplyTheme('dark'));
  await painted();
  await screenshot(browser, 'list-dark');
  await browser.execute(() => /** @type {any} */ (window).cogauthApplyTheme('light'));
  const shown = await visibleRows();
  assert.deepEqual(shown.window, [420, 640], 'the default window');
  assert.ok(shown.inside >= 10, `${shown.inside} accounts fully in the default window`);
  for (const height of shown.heights) {
    assert.ok(height >= 44 && height <= 56, `a row of ${height} px: ${JSON.stringify(shown.heights)} ${shown.tall}`);
  }
  console.log(`# default 420x640 window: ${shown.inside} accounts fully visible, rows of ${shown.heights[0]} px`);

  // Compact rows: more accounts, remembered by the shell.
  await press(browser.$('#list-density'));
  await until(() => listSettings().density === 'compact', 'compact in settings.json');
  await until(async () => (await visibleRows()).heights[0] <= 42, 'compact rows');
  await painted();
  const compact = await visibleRows();
  assert.ok(compact.inside > shown.inside, `compact: ${compact.inside} accounts`);
  console.log(`# compact: ${compact.inside} accounts fully visible`);
  await screenshot(browser, 'list-compact');
  await press(browser.$('#list-density'));
  await until(() => listSettings().density === 'comfortable', 'comfortable again');
  await until(async () => !(await browser.execute(() => document.getElementById('accounts').classList.contains('compact'))),
    'comfortable rows again');

  // The wide window: cards in columns.
  await browser.setWindowSize(1280, 800);
  await until(async () => (await browser.execute(() => {
    const [a, b] = [...document.querySelectorAll('li.account')].map((li) => li.getBoundingClientRect());
    return a.top === b.top && b.left > a.left;
  })), 'two rows side by side on a wide window');
  await painted();
  await screenshot(browser, 'list-wide');
  await browser.setWindowSize(420, 640);
  await until(async () => (await browser.execute(() => window.innerWidth)) === 420, 'the window narrow again');
});

test('each row has a letter-and-colour face from its issuer, stable per issuer', async () => {
  const faces = await browser.execute(() => [...document.querySelectorAll('li.account')].map((li) => ({
    issuer: li.querySelector('.account-issuer').textContent,
    letter: li.querySelector('.avatar').textContent,
    colour: getComputedStyle(li.querySelector('.avatar')).backgroundColor,
  })));
  for (const face of faces) assert.equal(face.letter, face.issuer.match(/[\p{L}\p{N}]/u)[0].toUpperCase(), face.issuer);
  const colours = new Set(faces.map((face) => face.colour));
  assert.ok(colours.size >= 6, `${colours.size} colours`);
  const github = faces.find((face) => face.issuer === 'GitHub');
  assert.equal(faces.find((face) => face.issuer === 'GitHub')?.colour, github.colour);
});

test('the menu: by its button, by right click and by Shift+F10; it moves rows in the manual order only', async () => {
  const id = ids.get('Slack');
  const row = accountRow(browser, id);
  await row.scrollIntoView({ block: 'center' });
  await row.click({ button: 'right' });
  await browser.$('#row-menu').waitForDisplayed();
  assert.equal(await browser.execute(() => document.activeElement?.getAttribute('role')), 'menuitem');
  await browser.keys(['Escape']);
  await until(async () => !(await browser.$('#row-menu').isDisplayed()), 'the menu closed');
  assert.equal(await browser.execute(() => /** @type {HTMLElement} */ (document.activeElement)?.dataset.id), id,
    'Esc gives the focus back to the row');

  // Keyboard only: Shift+F10, then the arrows to "Move down", Enter.
  const before = listed().map((a) => a.id);
  await browser.keys(['Shift', 'F10']);
  await browser.keys(['Shift']);
  await browser.$('#row-menu').waitForDisplayed();
  const actions = await browser.execute(() => [...document.querySelectorAll('#row-menu .menu-item')]
    .map((item) => /** @type {HTMLElement} */ (item).dataset.action));
  assert.deepEqual(actions, ['copy', 'rename', 'reveal', 'moveUp', 'moveDown', 'remove']);
  for (let i = 0; i < actions.indexOf('moveDown'); i += 1) await browser.keys(['ArrowDown']);
  await browser.keys(['Enter']);
  const at = before.indexOf(id);
  await until(() => listed().map((a) => a.id).indexOf(id) === at + 1, 'moved down one in the vault');
  await rowAction(browser, id, 'moveUp');
  await until(() => listed().map((a) => a.id).indexOf(id) === at, 'and back up');
});

test('a lasting order: a view over the manual order, remembered, new accounts in place, recent after a copy', async () => {
  const manual = listed().map((a) => a.id);
  await chooseOrder('issuer');
  const byIssuer = await shownOrder();
  const issuerOf = new Map(listed().map((a) => [a.id, (a.issuer || a.label).toLowerCase()]));
  const issuers = byIssuer.map((id) => issuerOf.get(id));
  assert.deepEqual(issuers, [...issuers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), 'sorted by issuer');
  assert.equal(await accountRow(browser, byIssuer[0]).getAttribute('draggable'), 'false', 'no dragging');
  // Alt+Down does not move anything outside the manual order.
  await browser.execute((id) => /** @type {HTMLElement} */ (document.querySelector(`li.account[data-id="${id}"]`)).focus(), byIssuer[0]);
  await browser.keys(['Alt', 'ArrowDown']);
  await browser.keys(['Alt']);
  assert.deepEqual(listed().map((a) => a.id), manual, 'the stored order untouched');

  // An account added meanwhile appears in its sorted place.
  cli(['add', `otpauth://totp/Bluesky:alice?secret=${secretFor('Bluesky')}&issuer=Bluesky`]);
  ids.set('Bluesky', listed().find((a) => a.issuer === 'Bluesky').id);
  await browser.execute(() => window.dispatchEvent(new Event('focus')));
  await until(async () => (await shownOrder()).includes(ids.get('Bluesky')), 'the new account listed');
  const withNew = (await shownOrder()).map((id) => issuerOf.get(id) ?? 'bluesky');
  assert.deepEqual(withNew, [...withNew].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), 'in its sorted place');
  assert.equal(listed().at(-1).issuer, 'Bluesky', 'stored at the end of the manual order');

  // Recently used: copy Zulip's code, and it comes first.
  await chooseOrder('recent');
  const zulip = ids.get('Zulip');
  await press(accountRow(browser, zulip));
  await until(() => listed().find((a) => a.id === zulip)?.last_used, 'the copy recorded in the index');
  await browser.execute(() => window.dispatchEvent(new Event('focus')));
  await until(async () => (await shownOrder())[0] === zulip, 'Zulip first in the recent order');

  // The order outlives the window: a new session shows it, then the manual order is back.
  await browser.deleteSession();
  browser = await startApp();
  await browser.$('li.account').waitForDisplayed();
  assert.equal(await browser.$('#list-order').getValue(), 'recent');
  assert.equal((await shownOrder())[0], zulip);
  await chooseOrder('manual');
  const manualNow = listed().map((a) => a.id);
  assert.deepEqual(await shownOrder(), manualNow, 'the manual order as it was kept');
  assert.deepEqual(manualNow.filter((id) => id !== ids.get('Bluesky')), manual);
});

test('delete: the focus goes to the next account, the undo counts down, outlives other toasts, and Ctrl+Z works from the search box', async () => {
  const order = await shownOrder();
  const id = ids.get('Reddit');
  const next = order[order.indexOf(id) + 1];
  await rowAction(browser, id, 'remove');
  await press(browser.$('#delete-confirm'));
  await browser.$('#undo-toast').waitForDisplayed();
  await until(async () => (await browser.execute(() => /** @type {HTMLElement} */ (document.activeElement)?.dataset.id)) === next,
    'the focus on the next account');
  const text = await browser.$('#undo-message').getText();
  const left = Number(text.match(/(\d+) s to undo/)?.[1]);
  assert.ok(left >= 9, `the toast says ${text}`);
  await until(async () => Number((await browser.$('#undo-message').getText()).match(/(\d+) s/)?.[1]) < left,
    'the seconds counting down');

  // Another toast (a copy) shows above it and does not replace it.
  await browser.keys(['Enter']);
  await until(async () => /copied/i.test(await browser.$('#toast').getText()), 'the copy toast');
  assert.ok(await browser.$('#undo-toast').isDisplayed(), 'the undo still offered');

  // Ctrl+Z with the focus in the search box (which has text to undo) brings the account back.
  await browser.keys(['Control', 'f']);
  await browser.keys(['Control']);
  assert.equal(await browser.execute(() => document.activeElement?.id), 'search', 'Ctrl+F focuses the search');
  await browser.keys(['r']);
  await browser.keys(['Control', 'z']);
  await browser.keys(['Control']);
  await accountRow(browser, id).waitForExist();
  await until(async () => !(await browser.$('#undo-toast').isDisplayed()), 'the undo toast gone');
  assert.equal(await browser.$('#search').getValue(), 'r', 'the search box’s own undo did not run');
  await new Promise((resolve) => { setTimeout(resolve, 11000); });
  assert.ok(listed().some((a) => a.id === id), 'still in the vault after the undo window');
});

test('toasts leave room at the end of the list: the last row can be scrolled clear of them', async () => {
  const last = (await shownOrder()).at(-1);
  await browser.execute((id) => /** @type {HTMLElement} */ (document.querySelector(`li.account[data-id="${id}"]`)).focus(), last);
  await browser.keys(['Enter']);
  await browser.$('#toast').waitForDisplayed();
  await browser.execute(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await until(async () => (await browser.execute(() => document.documentElement.style.getPropertyValue('--toast-room'))) !== '0px',
    'room for the toast');
  await browser.execute(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const boxes = await browser.execute((id) => ({
    row: document.querySelector(`li.account[data-id="${id}"]`).getBoundingClientRect().bottom,
    toasts: document.getElementById('toasts').getBoundingClientRect().top,
  }), last);
  assert.ok(boxes.row <= boxes.toasts, `the last row ends at ${boxes.row}, the toasts start at ${boxes.toasts}`);
  await screenshot(browser, 'list-toast');
});

test('the keyboard: typing searches, Enter copies the first match, Esc clears; measured from a focused window', async () => {
  // A focused window with nothing focused in it, as after a click on its title.
  await browser.execute(() => { /** @type {HTMLElement} */ (document.activeElement)?.blur(); window.scrollTo(0, 0); });
  const secret = secretFor('Zulip');
  // Another account's code on the clipboard first, so the wait sees the new copy.
  await until(() => clipboardText().trim() === '', 'the clipboard empty (cleared after 5 s)', 15000);
  const keys = ['z', 'u', 'Enter'];
  const start = Date.now();
  for (const key of keys) await browser.keys([key]);
  const copied = await until(() => /^\d{6}$/.test(clipboardText().trim()) && clipboardText().trim(), 'the code on the clipboard');
  const elapsed = Date.now() - start;
  const now = nowUnix();
  assert.ok([oathtoolTotp(secret, now), oathtoolTotp(secret, now - 1)].includes(copied), `copied ${copied}`);
  console.log(`# focused window to code on the clipboard: ${keys.length} keystrokes (${keys.join(' ')}), ${elapsed} ms`);
  assert.equal(await browser.$('#search').getValue(), 'zu');
  assert.deepEqual(await shownOrder(), [ids.get('Zulip')]);

  // Esc clears the search, and every row is back.
  await browser.keys(['Escape']);
  assert.equal(await browser.$('#search').getValue(), '');
  assert.ok((await shownOrder()).length >= ISSUERS.length);

  // A letter typed on a focused row starts a search with it.
  await browser.execute((id) => /** @type {HTMLElement} */ (document.querySelector(`li.account[data-id="${id}"]`)).focus(), ids.get('GitHub'));
  await browser.keys(['k']);
  assert.equal(await browser.execute(() => document.activeElement?.id), 'search');
  assert.equal(await browser.$('#search').getValue(), 'k');
  assert.ok((await shownOrder()).includes(ids.get('Kraken')));
  await browser.keys(['Escape']);
  assert.equal(await browser.$('#search').getValue(), '');
});
