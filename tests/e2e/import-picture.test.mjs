// Importing pictures of QR codes end to end: the user picks a PNG with the Add view's "Choose a
// file…" button in the shell's native dialog (import_pick; answered from the keyboard with
// xdotool), the shell reads it within core's limit, the page shows the preview and imports.
// Both pictures are in tests/fixtures/qr (its README says how they were made and what they
// hold); the codes shown are compared with oathtool's. One app session for the file; the tests
// run in order and work on a fresh vault or on the one app.test.mjs leaves (their accounts
// share no token and no name with these).

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, test } from 'node:test';

import {
  accountRow, answerFileDialog, assertShowsCode, backToList, listed, press, screenshot, startApp, until,
} from './support.mjs';

const PICTURES = fileURLToPath(new URL('../fixtures/qr/', import.meta.url));

/** The two otpauth codes of two-otpauth.png. */
const RFC = { issuer: 'QR Test', label: 'rfc', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' };
const HELLO = {
  issuer: 'QR Test',
  label: 'hello',
  secret: 'JBSWY3DPEHPK3PXP',
  options: { algorithm: 'SHA256', digits: 8, period: 60 },
};
/** The account of google-migration.png (Google Authenticator's transfer code). */
const PI = { issuer: 'raspberrypi', label: 'pi@raspberrypi', secret: '7KSQL2JTUDIS5EF65KLMRQIIGY' };

/** @type {WebdriverIO.Browser} */
let browser;

before(async () => {
  browser = await startApp();
  await browser.$('#view-list').waitForDisplayed();
});

after(async () => {
  await browser?.deleteSession();
});

beforeEach(async () => {
  if (browser) await backToList(browser);
});

/** The vault's account named issuer:label, or undefined. */
const stored = ({ issuer, label }) => listed().find((a) => a.issuer === issuer && a.label === label);

/**
 * Opens the Add view and picks `name` from tests/fixtures/qr in its file picker; waits for the
 * preview and returns its summary and entries.
 * @param {string} name
 */
async function pickPicture(name) {
  await press(browser.$('#add-button'));
  await press(browser.$('#import-file'));
  await answerFileDialog('Import a QR picture or an export', join(PICTURES, name));
  const preview = browser.$('#import-preview');
  await preview.waitForDisplayed({ timeout: 20000 }).catch(async () => {
    const error = await browser.$('#import-error').getText().catch(() => '');
    assert.fail(`no preview for ${name}${error ? `: ${error}` : ''}`);
  });
  return {
    summary: await browser.$('#import-summary').getText(),
    entries: await browser.$$('#import-list li').map((item) => item.getText()),
  };
}

test('a PNG of two otpauth QR codes picked in the Add view imports both, with oathtool\'s codes', async () => {
  assert.equal(stored(RFC), undefined, 'not in the vault before');
  const { summary, entries } = await pickPicture('two-otpauth.png');
  assert.match(summary, /2 new, 0 duplicates skipped/);
  assert.deepEqual([...entries].sort(), ['QR Test (hello) · TOTP', 'QR Test (rfc) · TOTP']);
  await screenshot(browser, 'import-picture-preview');
  await press(browser.$('#import-apply'));

  const rfc = await until(() => stored(RFC)?.id, 'rfc in the vault');
  const hello = await until(() => stored(HELLO)?.id, 'hello in the vault');
  await until(async () => browser.$('#view-list').isDisplayed(), 'back on the list');
  assert.match(await browser.$('#toast-message').getText(), /Imported 2 accounts/);
  await accountRow(browser, rfc).waitForExist();
  await accountRow(browser, hello).waitForExist();
  await assertShowsCode(browser, rfc, RFC.secret);
  // SHA256, 8 digits, 60 s: the picture's settings are kept (SHA1/6/30 would not match).
  await assertShowsCode(browser, hello, HELLO.secret, HELLO.options);
  assert.match(await accountRow(browser, hello).$('.code').getText(), /^\d{4} \d{4}$/);
});

/** Calls a shell command from the page, as a script in it could; resolves to its error kind. */
async function commandErrorKind(command) {
  return browser.execute(async (name) => {
    try {
      await window.__TAURI_INTERNALS__.invoke(name, {});
      return 'ok';
    } catch (error) {
      return error?.kind ?? String(error);
    }
  }, command);
}

test('leaving the Add view drops a loaded import: nothing is left in the shell to read', async () => {
  const { summary } = await pickPicture('two-otpauth.png');
  assert.match(summary, /duplicates skipped|new/);
  assert.equal(await commandErrorKind('import_preview'), 'ok', 'loaded while the view is open');
  await backToList(browser);
  await until(async () => (await commandErrorKind('import_preview')) === 'nothing_loaded',
    'the loaded picture dropped (import_cancel)');
});

test('the same picture again adds nothing: both are duplicates', async () => {
  const count = listed().length;
  const { summary, entries } = await pickPicture('two-otpauth.png');
  assert.match(summary, /0 new, 2 duplicates skipped/);
  assert.deepEqual(entries, []);
  assert.equal(await browser.$('#import-apply').isDisplayed(), false, 'nothing to import');
  assert.equal(listed().length, count);
});

test('a PNG of a Google Authenticator transfer QR code imports its account, with oathtool\'s code', async () => {
  assert.equal(stored(PI), undefined, 'not in the vault before');
  const { summary, entries } = await pickPicture('google-migration.png');
  assert.match(summary, /1 new, 0 duplicates skipped/);
  assert.deepEqual(entries, ['raspberrypi (pi@raspberrypi) · TOTP']);
  await press(browser.$('#import-apply'));

  const id = await until(() => stored(PI)?.id, 'pi@raspberrypi in the vault');
  await until(async () => browser.$('#view-list').isDisplayed(), 'back on the list');
  await accountRow(browser, id).waitForExist();
  await assertShowsCode(browser, id, PI.secret);
  await screenshot(browser, 'import-picture-done');
});
