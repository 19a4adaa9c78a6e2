// The desktop app end to end, through the real webview, against the real keychain, oathtool,
// the X clipboard and the local Cognito emulator. One app session for the whole file; the tests
// run in order and each leaves the vault as the next one expects.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, test } from 'node:test';

import {
  cli, clipboardTargets, clipboardText, listed, nowUnix, oathtool, oathtoolTotp, rowAction, screenshot, setClipboardText,
  startApp, until,
} from './support.mjs';

const ALICE = { secret: 'JBSWY3DPEHPK3PXP', uri: 'otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME' };
const BOB = {
  secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  uri: 'otpauth://totp/Example:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example&algorithm=SHA256&digits=8&period=60',
  options: { algorithm: 'SHA256', digits: 8, period: 60 },
};
const DAVE = { secret: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U', uri: 'otpauth://totp/Dave%20Corp:dave?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&issuer=Dave%20Corp' };
const CAROL = { secret: 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ', uri: 'otpauth://totp/GitHub:carol?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ&issuer=GitHub' };

/** @type {WebdriverIO.Browser} */
let browser;

before(async () => {
  cli(['add', ALICE.uri]);
  cli(['add', BOB.uri]);
  browser = await startApp();
});

after(async () => {
  await browser?.deleteSession();
});

beforeEach(async () => {
  if (browser) await backToList();
});

const idOf = (issuer, label) => {
  const account = listed().find((a) => a.issuer === issuer && a.label === label);
  assert.ok(account, `${issuer}:${label} is in the vault`);
  return account.id;
};
const row = (id) => browser.$(`li.account[data-id="${id}"]`);

/** Brings an element to the middle of the window (clear of the sticky header) and clicks it. */
async function press(element) {
  await element.waitForDisplayed();
  await element.scrollIntoView({ block: 'center' });
  await element.click();
}

/** Replaces the value of a text field, brought to the middle of the window first. */
async function fill(element, value) {
  await element.waitForDisplayed();
  await element.scrollIntoView({ block: 'center' });
  await element.setValue(value);
}

/** Back to the account list, whatever view or dialog is open. */
async function backToList() {
  for (let i = 0; i < 3 && !(await browser.$('#view-list').isDisplayed()); i += 1) {
    await browser.keys(['Escape']);
  }
  await browser.$('#view-list').waitForDisplayed();
}

/** The code a row shows, without the grouping space. */
async function shownCode(id) {
  const text = await row(id).$('.code').getText();
  return text.replace(/\s/g, '');
}

/**
 * Asserts a row shows oathtool's code for `secret` (reading inside one time step: the code is
 * compared with oathtool's for the moments just before and after the read). Not in the first
 * 1.5 s of a period: the page fetches the new codes 150 ms after the edge, plus the round trip,
 * and until then rightly shows the code that just expired.
 */
async function assertShowsCode(id, secret, options) {
  await until(async () => /^\d+$/.test(await shownCode(id)), `a code in row ${id}`);
  const period = (options?.period ?? 30) * 1000;
  const intoPeriod = Date.now() % period;
  if (intoPeriod < 1500) await new Promise((resolve) => { setTimeout(resolve, 1500 - intoPeriod); });
  const before = nowUnix();
  const shown = await shownCode(id);
  const after = nowUnix();
  const expected = new Set([oathtoolTotp(secret, before, options), oathtoolTotp(secret, after, options)]);
  assert.ok(expected.has(shown), `row ${id} shows ${shown}, oathtool says ${[...expected]}`);
}

test('accounts added with the CLI show the codes oathtool computes', async () => {
  await assertShowsCode(idOf('ACME', 'alice'), ALICE.secret);
  await assertShowsCode(idOf('Example', 'bob'), BOB.secret, BOB.options);
  const grouped = await row(idOf('Example', 'bob')).$('.code').getText();
  assert.match(grouped, /^\d{4} \d{4}$/, 'eight digits are shown as two groups of four');
  await screenshot(browser, 'accounts-light');
});

test('an account added by URI in the window shows its code and is in the vault', async () => {
  await press(browser.$('#add-button'));
  const input = browser.$('#add-uri-input');
  await input.waitForDisplayed();
  await fill(input, CAROL.uri);
  await screenshot(browser, 'add-account');
  await press(browser.$('#add-uri-submit'));
  const id = await until(() => listed().find((a) => a.issuer === 'GitHub')?.id, 'carol in the vault');
  await row(id).waitForDisplayed();
  await assertShowsCode(id, CAROL.secret);
});

test('otpauth URIs copied to the clipboard import after a preview, with the backup reminder', async () => {
  setClipboardText(`${DAVE.uri}\n${ALICE.uri}\n`);
  await press(browser.$('#add-button'));
  await press(browser.$('#import-clipboard'));
  await browser.$('#import-preview').waitForDisplayed();
  assert.match(await browser.$('#import-summary').getText(), /1 new, 1 duplicate/);
  await press(browser.$('#import-apply'));
  const id = await until(() => listed().find((a) => a.issuer === 'Dave Corp')?.id, 'dave in the vault');
  await row(id).waitForDisplayed();
  await assertShowsCode(id, DAVE.secret);
  setClipboardText('');
  // No backup was ever made: the list says so.
  await browser.$('#backup-banner').waitForDisplayed();
  assert.match(await browser.$('#backup-text').getText(), /accounts added since your last backup \(never\)/);
});

test('a bad manual entry names the field and adds nothing', async () => {
  const count = listed().length;
  await press(browser.$('#add-button'));
  await browser.$('#manual-issuer').waitForDisplayed();
  await fill(browser.$('#manual-issuer'), 'Bad');
  await fill(browser.$('#manual-label'), 'entry');
  await fill(browser.$('#manual-secret'), 'not base32 at all!');
  await press(browser.$('#manual-submit'));
  await until(async () => (await browser.$('#manual-secret').getAttribute('aria-invalid')) === 'true',
    'the secret field marked invalid');
  assert.equal(listed().length, count);
  await browser.keys(['Escape']);
});

test('typing in search filters the list', async () => {
  // `/` from anywhere outside a text field focuses the search box.
  await browser.execute(() => /** @type {HTMLElement} */ (document.activeElement)?.blur());
  await browser.keys(['/']);
  const search = browser.$('#search');
  await until(async () => search.isFocused(), '/ focusing the search box');
  await browser.keys('acme'.split(''));
  const alice = idOf('ACME', 'alice');
  const bob = idOf('Example', 'bob');
  await until(async () => !(await row(bob).isDisplayed()), 'bob filtered out');
  assert.ok(await row(alice).isDisplayed());
  await browser.keys(['Escape']);
  await until(async () => row(bob).isDisplayed(), 'bob back after Esc');
});

test('the list works from the keyboard, every control has a name, and 200% zoom cuts nothing off', async () => {
  const shownRows = () => browser.execute(() => document.querySelectorAll('li.account:not([hidden])').length);
  assert.ok(await shownRows() >= 2, 'at least two rows to move between');
  const activeIndex = () => browser.execute(() => [...document.querySelectorAll('li.account:not([hidden])')]
    .indexOf(/** @type {HTMLElement} */ (document.activeElement)));
  await browser.execute(() => /** @type {HTMLElement} */ (document.querySelector('li.account:not([hidden])')).focus());
  await browser.keys(['ArrowDown']);
  assert.equal(await activeIndex(), 1, 'ArrowDown moves to the second row');
  await browser.keys(['Home']);
  assert.equal(await activeIndex(), 0, 'Home moves back to the first');

  const unnamed = await browser.execute(() => [...document.querySelectorAll('button, input, select, [role="button"]')]
    .filter((control) => !(control.getAttribute('aria-label')?.trim()
      || control.getAttribute('aria-labelledby')
      || control.textContent?.trim()
      || (/** @type {HTMLInputElement} */ (control)).labels?.length))
    .map((control) => control.id || control.outerHTML.slice(0, 80)));
  assert.deepEqual(unnamed, [], 'controls without an accessible name');

  await browser.execute(() => { document.documentElement.style.zoom = '2'; });
  try {
    const overflow = await browser.execute(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `at 200% the page is ${overflow} px wider than the window`);
    await screenshot(browser, 'accounts-zoom-200');
  } finally {
    await browser.execute(() => { document.documentElement.style.zoom = ''; });
  }
});

test('HOTP: "Next code" saves the advanced counter and shows oathtool\'s code for the used one', async () => {
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  cli(['add', `otpauth://hotp/Bank:erin?secret=${secret}&issuer=Bank&counter=5`]);
  // The list is fetched again when the window gains focus.
  await browser.execute(() => window.dispatchEvent(new Event('focus')));
  const id = idOf('Bank', 'erin');
  await row(id).waitForDisplayed();
  // Rows far off screen are not rendered (content-visibility): bring it into view as a user would.
  await row(id).scrollIntoView({ block: 'center' });
  assert.equal(await shownCode(id), '––––––', 'no HOTP code before it is asked for');
  await press(row(id).$('.hotp-next'));
  await until(async () => /^\d{6}$/.test(await shownCode(id)), 'an HOTP code');
  const expected = oathtool(['--hotp', '-b', '-c', '5', secret]);
  assert.equal(await shownCode(id), expected);
  assert.equal(listed().find((a) => a.id === id).counter, 6, 'the counter after the used one is stored');
});

test('Alt+Down moves a row down, in the window and in the vault', async () => {
  const order = () => listed().map((a) => a.id);
  const [first, second] = order();
  await browser.execute((id) => /** @type {HTMLElement} */ (document.querySelector(`li.account[data-id="${id}"]`)).focus(), first);
  await browser.keys(['Alt', 'ArrowDown']);
  await until(() => order()[1] === first, 'the first account stored second');
  assert.equal(order()[0], second);
  const shown = await browser.execute(() => [...document.querySelectorAll('li.account')].slice(0, 2).map((li) => li.dataset.id));
  assert.deepEqual(shown, [second, first]);
  await browser.keys(['Alt', 'ArrowUp']);
  await until(() => order()[0] === first, 'the account back in first place');
});

test('rename changes the name in the vault', async () => {
  const id = idOf('Example', 'bob');
  await rowAction(browser, id, 'rename');
  const issuer = browser.$('#rename-issuer');
  await issuer.waitForDisplayed();
  await fill(issuer, 'Example Corp');
  await fill(browser.$('#rename-label'), 'robert');
  await press(browser.$('#rename-save'));
  await until(() => listed().some((a) => a.id === id && a.label === 'robert' && a.issuer === 'Example Corp'),
    'the new name in the vault');
  let seen = '';
  await until(async () => {
    // Rows far off screen are not rendered (content-visibility): bring it into view first.
    await row(id).scrollIntoView({ block: 'center' });
    seen = await browser.execute((rowId) => document.querySelector(`li.account[data-id="${rowId}"] .account-label`)?.textContent ?? '', id);
    return seen === 'robert';
  }, 'the new label shown').catch((error) => { throw new Error(`${error.message}; the row shows "${seen}"`); });
});

test('delete can be undone, and otherwise removes the account', async () => {
  const id = idOf('GitHub', 'carol');
  await rowAction(browser, id, 'remove');
  await press(browser.$('#delete-confirm'));
  // The row may be re-rendered while it is looked up (a stale element): look again.
  await until(async () => {
    try {
      return !(await row(id).isDisplayed());
    } catch {
      return false;
    }
  }, 'the row hidden');
  assert.ok(listed().some((a) => a.id === id), 'still in the vault during the undo window');
  await press(browser.$('#toast-undo'));
  await row(id).waitForDisplayed();

  await rowAction(browser, id, 'remove');
  await press(browser.$('#delete-confirm'));
  await until(() => !listed().some((a) => a.id === id), 'removed from the vault after the undo window', 20000);
});

test('Enter copies the code to the X clipboard, which is cleared after the timeout', async () => {
  const id = idOf('ACME', 'alice');
  await press(row(id));
  // Whatever an earlier test left on the clipboard is not a code: wait for one.
  const copied = await until(() => /^\d{6}$/.test(clipboardText().trim()) && clipboardText().trim(),
    'a code on the clipboard');
  const now = nowUnix();
  assert.ok([oathtoolTotp(ALICE.secret, now), oathtoolTotp(ALICE.secret, now - 1)].includes(copied),
    `copied ${copied}`);
  assert.match(await browser.$('#toast').getText(), /copied/i);
  // Marked for clipboard managers as a password (KDE's hint, which Klipper, GPaste and
  // CopyQ honour): the code stays out of their history.
  assert.ok(clipboardTargets().includes('x-kde-passwordManagerHint'),
    `targets: ${clipboardTargets().join(', ')}`);
  // Enter on the focused row copies too.
  await press(row(id));
  await browser.keys(['Enter']);
  // scripts/e2e sets a 5 s timeout.
  await until(() => clipboardText().trim() === '', 'the clipboard cleared', 15000);
});

test('the enrolment wizard enrols the demo user and its code signs in', async () => {
  const pool = JSON.parse(readFileSync(process.env.COGAUTH_DEMO_POOL, 'utf8').trim().split('\n').pop());
  await press(browser.$('#enrol-button'));
  const poolField = browser.$('#wiz-pool');
  await poolField.waitForDisplayed();
  await until(async () => (await poolField.getValue()) === pool.user_pool_id, 'the demo pool pre-filled');
  await press(browser.$('#wiz-next'));
  await until(async () => (await browser.$('#wiz-username').getValue()) === 'demo', 'the demo user pre-filled');
  await press(browser.$('#wiz-start'));
  await browser.$('#wiz-result').waitForDisplayed({ timeout: 90000 });
  for (const step of ['signin', 'associate', 'store', 'verify', 'activate', 'signin-test']) {
    assert.ok(await browser.$(`#wiz-steps li[data-step="${step}"].done`).isExisting(), `step ${step} ticked`);
  }
  await screenshot(browser, 'enrolment-done');
  const account = listed().find((a) => a.cognito?.username === 'demo');
  assert.ok(account, 'the demo account is in the vault');
  assert.equal(account.state, 'active');
  // Proof with an independent sign-in: the CLI signs in with a fresh code from the keychain.
  cli(['signin-test', account.id, '--password-stdin'], 'CogAuth-demo-1\n');
  await press(browser.$('#wiz-done'));
  await row(account.id).waitForDisplayed();
});
