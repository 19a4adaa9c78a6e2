// Other authenticators' exports through the app's file picker: the "Which exports?" list is
// core's registry (the same lines `cogauth import --list-formats --json` gives), and an
// encrypted Stratum backup and a Bitwarden CSV picked in the native dialog import with the
// preview naming the app and what it leaves behind, their codes equal to oathtool's. The
// fixtures hold plain.txt's accounts (tests/fixtures/interop/README.md); any of them an earlier
// test file added is removed first with the CLI, so each run imports them anew.

import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, test } from 'node:test';

import {
  accountRow, answerFileDialog, assertShowsCode, backToList, cli, listed, press, screenshot, startApp,
  until,
} from './support.mjs';

const CORPUS = fileURLToPath(new URL('../fixtures/interop/aegis-fixtures/', import.meta.url));

/** plain.txt's TOTP accounts, the ones oathtool checks. */
const TOTP = [
  { issuer: 'Deno', label: 'Mason', secret: '4SJHB4GSD43FZBAI7C2HLRJGPQ', options: {} },
  {
    issuer: 'SPDX', label: 'James', secret: '5OM4WOOGPLQEF6UGN3CPEOOLWU',
    options: { algorithm: 'SHA256', digits: 7, period: 20 },
  },
  {
    issuer: 'Airbnb', label: 'Elijah', secret: '7ELGJSGXNCCTV3O6LKJWYFV2RA',
    options: { algorithm: 'SHA512', digits: 8, period: 50 },
  },
];

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

const stored = ({ issuer, label }) => listed().find((a) => a.issuer === issuer && a.label === label);

/** Removes every account plain.txt's secrets would be duplicates of, by name. */
function removeCorpusAccounts() {
  const names = new Set(['Deno:Mason', 'SPDX:James', 'Airbnb:Elijah', 'Issuu:James',
    'Air Canada:Benjamin', 'WWE:Mason', 'Boeing:Sophia', 'Test 4:']);
  for (const account of listed()) {
    if (names.has(`${account.issuer}:${account.label}`)) cli(['remove', account.id]);
  }
}

/** Picks `file` of the corpus in the Add view; returns once the page shows what it asks. */
async function pick(file) {
  await press(browser.$('#add-button'));
  await press(browser.$('#import-file'));
  await answerFileDialog('Import a QR picture or an export', `${CORPUS}${file}`);
}

/** Waits for the preview; its summary, entries and notes. */
async function preview() {
  await browser.$('#import-preview').waitForDisplayed({ timeout: 30000 }).catch(async () => {
    const error = await browser.$('#import-error').getText().catch(() => '');
    assert.fail(`no preview${error ? `: ${error}` : ''}`);
  });
  return {
    summary: await browser.$('#import-summary').getText(),
    entries: await browser.$$('#import-list li').map((item) => item.getText()),
    warnings: await browser.$$('#import-warnings li').map((item) => item.getText()),
    dropped: await browser.$('#import-dropped').getText(),
  };
}

/** Imports what the preview shows and checks plain.txt's TOTP accounts show oathtool's codes. */
async function applyAndCheckCodes(count) {
  await press(browser.$('#import-apply'));
  await until(async () => browser.$('#view-list').isDisplayed(), 'back on the list', 20000);
  assert.match(await browser.$('#toast-message').getText(), new RegExp(`Imported ${count} accounts`));
  for (const account of TOTP) {
    const id = await until(() => stored(account)?.id, `${account.issuer} in the vault`);
    await accountRow(browser, id).waitForExist();
    await assertShowsCode(browser, id, account.secret, account.options);
  }
}

test('"Which exports?" lists every format of core\'s registry', async () => {
  await press(browser.$('#add-button'));
  const details = browser.$('details.import-formats');
  await details.$('summary').click();
  const registry = JSON.parse(cli(['import', '--list-formats', '--json']));
  const want = registry.map(({ app, files }) => `${app}: ${files}`);
  assert.ok(want.some((line) => line.startsWith('Stratum')), 'the registry has Stratum');
  await until(async () => (await browser.$$('#import-formats li').length) === want.length, 'the list filled');
  assert.deepEqual(await browser.$$('#import-formats li').map((item) => item.getText()), want);
  await details.scrollIntoView({ block: 'center' });
  await screenshot(browser, 'import-formats');
});

test('an encrypted Stratum backup picked in the dialog asks for its password and imports its 7 accounts', async () => {
  removeCorpusAccounts();
  await pick('stratum_encrypted.bin');
  const password = browser.$('#import-password');
  await password.waitForDisplayed({ timeout: 20000 });
  await password.setValue('test');
  await press(browser.$('#import-unlock-submit'));
  const { summary, entries, warnings, dropped } = await preview();
  assert.equal(summary, 'Stratum (Authenticator Pro): 7 new, 0 duplicates skipped.');
  assert.equal(entries.length, 7);
  assert.ok(entries.includes('Boeing (Sophia) · STEAM'), entries.join(' | '));
  assert.deepEqual(warnings, []);
  assert.equal(dropped, 'Not imported from Stratum (Authenticator Pro): icons, groups, order, usage counts.');
  await screenshot(browser, 'import-stratum-preview');
  await applyAndCheckCodes(7);
});

test('a Bitwarden CSV picked in the dialog imports its TOTP keys', async () => {
  removeCorpusAccounts();
  await pick('bitwarden.csv');
  const { summary, dropped } = await preview();
  assert.equal(summary, 'Bitwarden: 4 new, 0 duplicates skipped.');
  assert.equal(dropped, 'Not imported from Bitwarden: passwords and other login data.');
  await applyAndCheckCodes(4);
});
