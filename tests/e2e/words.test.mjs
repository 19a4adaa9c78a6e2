// Issue 17, "Words and flows", through the real window: errors in words for people with the
// next step (a duplicate name offers "Show it"), a wrong password in the wizard back under the
// password field ("already enrolled" when it is), the backup saved in Documents under today's
// date, settings applied as they are chosen, the "By hand" form's Advanced part and errors
// that go when their field changes, the native file dialog, each wizard step at its top, the
// smallest window, and the Copy button beside the device link. Screenshots: words-*.png.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, test } from 'node:test';

import {
  accountRow, answerFileDialog, answerNativeDialog, backToList, cli, fillField, listed, press, rowAction, screenshot, startApp, textIn, until,
} from './support.mjs';

const GITHUB = {
  uri: 'otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub',
  // The same name, another secret: refused as a duplicate name.
  again: 'otpauth://totp/GitHub:alice@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=GitHub',
};
const AEGIS = fileURLToPath(new URL('../fixtures/interop/aegis-fixtures/aegis_encrypted.json', import.meta.url));
const POOL = JSON.parse(readFileSync(process.env.COGAUTH_DEMO_POOL ?? '', 'utf8').trim().split('\n').pop());
const DOCUMENTS = join(process.env.HOME ?? '', 'Documents');

/** @type {WebdriverIO.Browser} */
let browser;
let github = '';

before(async () => {
  // A desktop with a Documents folder (XDG user dirs), where the backup dialog should open.
  mkdirSync(DOCUMENTS, { recursive: true });
  const config = process.env.XDG_CONFIG_HOME ?? join(process.env.HOME ?? '', '.config');
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, 'user-dirs.dirs'), `XDG_DOCUMENTS_DIR="$HOME/Documents"\n`);
  github = listed().find((a) => a.issuer === 'GitHub' && a.label === 'alice@example.com')?.id ?? '';
  if (!github) {
    cli(['add', GITHUB.uri]);
    github = listed().find((a) => a.issuer === 'GitHub' && a.label === 'alice@example.com').id;
  }
  browser = await startApp();
  await browser.$('#view-list').waitForDisplayed();
});

after(async () => {
  await browser?.deleteSession();
});

beforeEach(async () => {
  if (browser) await backToList(browser);
});

/** Replaces the value of a text field (see fillField). */
const fill = (selector, value) => fillField(browser, selector, value);

/** An element's text as the page has it (see textIn). */
const textOf = (selector) => textIn(browser, selector);

test('a duplicate name says "You already have GitHub (alice@…)", without an id, and "Show it" shows it', async () => {
  await press(browser.$('#add-button'));
  await fill('#add-uri-input', GITHUB.again);
  await press(browser.$('#add-uri-submit'));
  const error = browser.$('#add-uri-input-error');
  await error.waitForDisplayed();
  assert.equal(await error.getText(), 'You already have GitHub (alice@…).');
  assert.doesNotMatch(await error.getText(), new RegExp(`${github}|choose another name`));
  const show = browser.$('#add-uri-show');
  assert.equal(await show.isDisplayed(), true);
  await screenshot(browser, 'words-duplicate');
  // Typing clears it.
  await browser.$('#add-uri-input').addValue(' ');
  await until(async () => !(await error.isDisplayed()), 'the error gone once the link changes');
  assert.equal(await show.isDisplayed(), false);
  // Again, then "Show it": the list, with that account focused.
  await fill('#add-uri-input', GITHUB.again);
  await press(browser.$('#add-uri-submit'));
  await show.waitForDisplayed();
  await press(show);
  await browser.$('#view-list').waitForDisplayed();
  await until(() => browser.execute(() => document.activeElement?.closest('li.account')?.dataset.id ?? ''),
    'an account focused').then((id) => assert.equal(id, github));
  await accountRow(browser, github).waitForDisplayed();
});

test('"By hand": rare settings under Advanced, opened by an error there, which goes when the field changes', async () => {
  await press(browser.$('#add-button'));
  await browser.$('#manual-label').waitForDisplayed();
  assert.equal(await browser.$('#manual-advanced').getProperty('open'), false, 'closed at first');
  assert.equal(await browser.$('#manual-period').isDisplayed(), false);
  await browser.execute(() => document.getElementById('manual-title').scrollIntoView({ block: 'start' }));
  await until(() => browser.execute(() => window.scrollY > 0), 'the form scrolled into view');
  await new Promise((resolve) => { setTimeout(resolve, 300); });
  await screenshot(browser, 'words-manual');
  await press(browser.$('#manual-advanced summary'));
  await fill('#manual-label', 'advanced');
  await fill('#manual-secret', 'JBSWY3DPEHPK3PXP');
  await fill('#manual-period', '0');
  await press(browser.$('#manual-advanced summary'));
  assert.equal(await browser.$('#manual-period').isDisplayed(), false, 'closed again');
  await press(browser.$('#manual-submit'));
  const error = browser.$('#manual-period-error');
  await error.waitForDisplayed();
  assert.equal(await browser.$('#manual-advanced').getProperty('open'), true, 'opened to show the error');
  assert.match(await error.getText(), /^[A-Z]/, 'a sentence');
  await error.scrollIntoView({ block: 'center' });
  await screenshot(browser, 'words-manual-error');
  await browser.$('#manual-period').addValue('3');
  await until(async () => !(await error.isDisplayed()), 'the error gone once the period changes');
  assert.equal(await browser.$('#manual-period').getAttribute('aria-invalid'), null);
  // Selects and inputs are one control style: the same height.
  const heights = await browser.execute(() => ['manual-kind', 'manual-period', 'manual-digits']
    .map((id) => Math.round(document.getElementById(id).getBoundingClientRect().height)));
  assert.equal(new Set(heights).size, 1, `one height: ${heights}`);
  assert.ok(!listed().some((a) => a.label === 'advanced'), 'nothing added');
});

test('the styled file button opens the native dialog; a wrong password is said for people', async () => {
  await press(browser.$('#add-button'));
  assert.equal(await browser.execute(() => document.querySelectorAll('input[type=file]').length), 0);
  await press(browser.$('#import-file'));
  await answerFileDialog('Import a QR picture or an export', AEGIS);
  const password = browser.$('#import-password');
  await password.waitForDisplayed({ timeout: 20000 });
  await password.setValue('not the password');
  await press(browser.$('#import-unlock-submit'));
  const error = browser.$('#import-password-error');
  await until(async () => /not right/.test(await error.getText()), 'the wrong password said', 30000);
  assert.equal(await error.getText(), 'That password is not right. Check it and try again.');
  await screenshot(browser, 'words-import-password');
});

test('a wrong password for a user CogAuth holds enrolled: back at the password, "already enrolled"', async () => {
  await press(browser.$('#enrol-button'));
  await until(async () => (await browser.$('#wiz-pool').getValue()) === POOL.user_pool_id, 'the demo pool pre-filled');
  // The pool step scrolled down, then the next step opens at its top.
  await browser.execute(() => window.scrollTo(0, document.body.scrollHeight));
  await press(browser.$('#wiz-next'));
  await until(async () => (await browser.$('#wiz-username').getValue()) === 'demo', 'the demo user pre-filled');
  assert.equal(await browser.execute(() => window.scrollY), 0, 'the user step at its top');
  if (!listed().some((a) => a.cognito?.username === 'demo' && a.state === 'active')) {
    // Not enrolled by an earlier test file: enrol it now, with the right password.
    await press(browser.$('#wiz-start'));
    await browser.$('#wiz-result').waitForDisplayed({ timeout: 90000 });
    await press(browser.$('#wiz-done'));
    await browser.$('#view-list').waitForDisplayed();
    await press(browser.$('#enrol-button'));
    await press(browser.$('#wiz-next'));
  }
  const held = listed().find((a) => a.cognito?.username === 'demo');
  assert.equal(held?.state, 'active');
  await fill('#wiz-password', 'wrong-password-1');
  await press(browser.$('#wiz-start'));
  const error = browser.$('#wiz-password-error');
  await error.waitForDisplayed({ timeout: 60000 });
  const text = await error.getText();
  assert.match(text, /password is not right/);
  assert.match(text, /already enrolled in CogAuth as /);
  assert.doesNotMatch(text, new RegExp(`${held.id}|resuming`));
  assert.equal(await browser.$('#wiz-user-form').isDisplayed(), true, 'the user step, not the failure screen');
  assert.equal(await browser.$('#wiz-resume').isDisplayed(), false, 'no Resume repeating the wrong password');
  assert.equal(await browser.execute(() => document.activeElement?.id), 'wiz-password');
  await screenshot(browser, 'words-enrol-wrong-password');
});

test('settings apply as they are chosen: the theme at once, checkboxes and lists in the theme', async () => {
  await press(browser.$('#settings-button'));
  await browser.$('#set-theme').waitForDisplayed();
  assert.equal(await browser.$('#settings-save').isExisting(), false, 'no Save button');
  await browser.$('#set-theme').selectByAttribute('value', 'dark');
  await until(() => browser.execute(() => document.documentElement.dataset.theme === 'dark'), 'dark at once');
  await browser.$('#settings-result').waitForDisplayed();
  const scheme = await browser.execute(() => ({
    check: getComputedStyle(document.getElementById('set-start-hidden')).colorScheme,
    list: getComputedStyle(document.getElementById('set-theme')).colorScheme,
    fits: document.getElementById('set-theme').scrollWidth <= document.getElementById('set-theme').clientWidth + 1,
  }));
  assert.deepEqual(scheme, { check: 'dark', list: 'dark', fits: true });
  await screenshot(browser, 'words-settings-dark');
  await until(() => {
    const file = join(process.env.COGAUTH_CONFIG_DIR ?? '', 'settings.json');
    return existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).settings?.theme === 'dark';
  }, 'saved without a Save button');
  // A checkbox too.
  const before = await browser.$('#set-start-hidden').isSelected();
  await press(browser.$('#set-start-hidden'));
  await until(() => {
    const file = join(process.env.COGAUTH_CONFIG_DIR ?? '', 'settings.json');
    return JSON.parse(readFileSync(file, 'utf8')).settings?.start_hidden === !before;
  }, 'the checkbox saved');
  await press(browser.$('#set-start-hidden'));
  await browser.$('#set-theme').selectByAttribute('value', 'light');
  await until(() => browser.execute(() => document.documentElement.dataset.theme === 'light'), 'light again');
});

test('the backup is offered in Documents as cogauth-backup-YYYY-MM-DD.json (UTC)', async () => {
  await press(browser.$('#settings-button'));
  await fill('#export-password', 'a long backup password');
  await fill('#export-password2', 'a long backup password');
  const date = new Date().toISOString().slice(0, 10);
  await press(browser.$('#export-submit'));
  await answerFileDialog('Save the encrypted backup');
  const file = join(DOCUMENTS, `cogauth-backup-${date}.json`);
  await until(() => existsSync(file), `${file} written`, 30000);
  await browser.$('#export-result').waitForDisplayed();
  assert.match(await browser.$('#export-result').getText(), new RegExp(`Documents/cogauth-backup-${date}\\.json`));
});

test('the smallest window holds the Add view without sideways scrolling', async () => {
  const conf = JSON.parse(readFileSync(new URL('../../src-tauri/tauri.conf.json', import.meta.url), 'utf8'));
  const { minWidth, minHeight } = conf.app.windows[0];
  const size = await browser.getWindowSize();
  await browser.setWindowSize(minWidth, minHeight);
  try {
    await press(browser.$('#add-button'));
    await browser.$('#manual-label').waitForDisplayed();
    await browser.$('#manual-label').scrollIntoView({ block: 'center' });
    const overflow = await browser.execute(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px)`);
    await screenshot(browser, 'words-min-window-add');
  } finally {
    await browser.setWindowSize(size.width, size.height);
  }
});

test('the device link has its Copy button beside it', async () => {
  await accountRow(browser, github).waitForExist();
  await accountRow(browser, github).scrollIntoView({ block: 'center' });
  await rowAction(browser, github, 'reveal');
  await answerNativeDialog('Show the secret of GitHub:alice@example.com?', 'confirm');
  const copy = browser.$('#reveal-copy');
  await copy.waitForDisplayed();
  await until(async () => (await browser.$('#reveal-uri').getValue()).startsWith('otpauth://'), 'the link shown');
  await browser.$('#reveal-qr').waitForDisplayed();
  const [link, button] = await browser.execute(() => ['reveal-uri', 'reveal-copy']
    .map((id) => document.getElementById(id).getBoundingClientRect().toJSON()));
  assert.ok(button.left >= link.right - 1 && Math.abs(button.top - link.top) < 8, 'on the same line, to its right');
  await screenshot(browser, 'words-device-link');
  await press(copy);
  await browser.$('#reveal-copied').waitForDisplayed();
  await press(browser.$('#reveal-close'));
});
