// The shell's own questions: before it hands a secret to the page, takes a screenshot, makes
// the app start at login, or signs in at an address that is not Amazon Cognito's, it asks the
// user in a native dialog that the page cannot see or answer. Each test calls the command as
// a script in the page could (or clicks as the user), answers the dialog from the keyboard
// with xdotool as a person would, and checks what the page got and what changed.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';

import {
  accountRow, answerNativeDialog, backToList, cli, clipboardTargets, clipboardText, listed, press,
  rowAction, startApp, until,
} from './support.mjs';

const HOLLY = 'otpauth://totp/Holly:h?secret=NBSWY3DPO5XXE3DEMFRGGZDF&issuer=Holly';
const FERN = {
  secret: 'MZXW6YTBOI3DEMBQGIYTCMJR',
  uri: 'otpauth://totp/Fern%20Bank:fern?secret=MZXW6YTBOI3DEMBQGIYTCMJR&issuer=Fern%20Bank',
};

/** @type {WebdriverIO.Browser} */
let browser;
let fern = '';
let holly = '';

before(async () => {
  cli(['add', FERN.uri]);
  fern = listed().find((a) => a.issuer === 'Fern Bank').id;
  cli(['add', HOLLY]);
  holly = listed().find((a) => a.issuer === 'Holly').id;
  browser = await startApp();
  await browser.$('#view-list').waitForDisplayed();
});

after(async () => {
  await browser?.deleteSession();
  cli(['remove', fern]);
  cli(['remove', holly]);
});

beforeEach(async () => {
  if (browser) await backToList(browser);
});

/**
 * Starts a shell command from the page, as a script in it could, without waiting for it;
 * the promise resolves to `{ok: value}` or `{error: kind}`. (The page answers in JSON text:
 * WebKitWebDriver takes a returned object with an `error` key for a failure of its own.)
 */
async function invokeFromPage(command, args) {
  const text = await browser.execute(async (name, values) => {
    try {
      return JSON.stringify({ ok: await window.__TAURI_INTERNALS__.invoke(name, values) });
    } catch (error) {
      return JSON.stringify({ error: error?.kind ?? String(error) });
    }
  }, command, args);
  return JSON.parse(text);
}

test('revealing a secret waits for the user\'s yes in a native dialog; no means nothing is revealed', async () => {
  const question = 'Show the secret of Fern Bank:fern?';
  const refused = invokeFromPage('reveal_account', { id: fern });
  await answerNativeDialog(question, 'cancel');
  assert.deepEqual(await refused, { error: 'cancelled' }, 'no secret without a yes');

  const allowed = invokeFromPage('reveal_account', { id: fern });
  await answerNativeDialog(question, 'confirm');
  const { ok } = await allowed;
  assert.match(ok.uri, new RegExp(`secret=${FERN.secret}`));

  // The user's own way: the row's button, the dialog, then the page shows the QR and link.
  const row = accountRow(browser, fern);
  // Other test files leave accounts above it: bring its row on screen first.
  await row.waitForExist();
  await row.scrollIntoView({ block: 'center' });
  await rowAction(browser, fern, 'reveal');
  await answerNativeDialog(question, 'confirm');
  await until(async () => (await browser.$('#reveal-uri').getValue()).includes(FERN.secret),
    'the link shown');
  // Its Copy button copies on the shell's side: the link, marked as a password, then cleared
  // (scripts/e2e sets a 5 s timeout).
  await press(browser.$('#reveal-copy'));
  await until(() => clipboardText().includes(`secret=${FERN.secret}`), 'the link on the clipboard');
  assert.ok(clipboardTargets().includes('x-kde-passwordManagerHint'));
  await until(() => clipboardText().trim() === '', 'the clipboard cleared', 15000);
  // Only the account the user said yes to: another account's link is refused.
  assert.deepEqual(await invokeFromPage('copy_revealed_uri', { id: holly }),
    { error: 'invalid_input' });
  await browser.keys(['Escape']);
  await until(async () => (await browser.$('#reveal-uri').getValue()) === '', 'the link gone again');
});

test('the screenshot import asks first; no takes no picture and loads nothing', async () => {
  await press(browser.$('#add-button'));
  const scan = browser.$('#import-screenshot');
  await scan.waitForDisplayed();
  await scan.click();
  await answerNativeDialog('Read the QR codes on your screen?', 'cancel');
  await until(async () => (await scan.isEnabled()), 'the button free again');
  assert.equal(await browser.$('#import-error').isDisplayed(), false, 'no error for a no');
  assert.deepEqual(await invokeFromPage('import_preview', {}), { error: 'nothing_loaded' });
});

test('start at login is turned on only after the user\'s yes', async () => {
  const autostartDir = join(process.env.XDG_CONFIG_HOME ?? join(process.env.HOME, '.config'), 'autostart');
  const entries = () => (existsSync(autostartDir) ? readdirSync(autostartDir) : []);
  const settingsFile = join(process.env.COGAUTH_CONFIG_DIR ?? '', 'settings.json');
  const stored = () => JSON.parse(readFileSync(settingsFile, 'utf8')).settings?.autostart === true;

  const settings = await browser.execute(() => window.__TAURI_INTERNALS__.invoke('get_settings', {}));
  assert.equal(settings.autostart, false);
  const refused = invokeFromPage('set_settings', { settings: { ...settings, autostart: true } });
  await answerNativeDialog('Start CogAuth when you log in?', 'cancel');
  assert.deepEqual(await refused, { error: 'cancelled' });
  assert.equal(stored(), false, 'nothing saved');
  assert.deepEqual(entries(), [], 'no autostart entry');

  const allowed = invokeFromPage('set_settings', { settings: { ...settings, autostart: true } });
  await answerNativeDialog('Start CogAuth when you log in?', 'confirm');
  assert.equal((await allowed).ok.autostart, true);
  assert.equal(stored(), true);
  assert.equal(entries().length, 1, 'an autostart entry');
  // Turning it off again needs no question.
  const off = await invokeFromPage('set_settings', { settings: { ...settings, autostart: false } });
  assert.equal(off.ok.autostart, false);
  assert.deepEqual(entries(), []);
});

test('an endpoint that is not Amazon Cognito\'s needs a yes, and a pool is remembered only after a sign-in', async () => {
  const settingsFile = join(process.env.COGAUTH_CONFIG_DIR ?? '', 'settings.json');
  const pools = () => JSON.parse(readFileSync(settingsFile, 'utf8')).pools ?? [];
  const before = pools().length;
  const started = await invokeFromPage('enroll_start', {
    request: {
      region: 'eu-west-1',
      user_pool_id: 'eu-west-1_Phish1',
      client_id: 'client1',
      client_secret: null,
      endpoint: 'https://cognito-idp.eu-west-1.amazonaws.com.example.net',
      username: 'victim',
      password: 'password typed into a phishing link',
      flow: 'password',
      issuer: '',
      label: '',
      prove: false,
    },
  });
  assert.ok('ok' in started, JSON.stringify(started));
  await answerNativeDialog('Sign in at cognito-idp.eu-west-1.amazonaws.com.example.net?', 'cancel');
  const event = JSON.parse(await browser.execute(async () => {
    for (;;) {
      const next = await window.__TAURI_INTERNALS__.invoke('enroll_next_event', {});
      if (next.type === 'failed' || next.type === 'done') return JSON.stringify(next);
    }
  }));
  assert.equal(event.type, 'failed');
  assert.equal(event.error.kind, 'cancelled');
  assert.equal(pools().length, before, 'the pool was not remembered');
  assert.ok(!JSON.stringify(pools()).includes('example.net'));
});
