// The window follows the vault: accounts added, renamed and removed with the CLI while the
// window is open show within 2 s (the shell watches the vault's folder), and the user's
// search text stays as it was.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { accountRow, cli, startApp, textIn, until } from './support.mjs';

let browser;

before(async () => {
  browser = await startApp();
  await browser.$('#view-list').waitForDisplayed();
});

after(async () => {
  await browser?.deleteSession();
});

/** A row's text as the document holds it (a compact row may hide parts from view). */
const rowText = (id) => textIn(browser, `li.account[data-id="${id}"]`);

/** Milliseconds until `probe` holds, failing after 2 s. */
async function within2s(probe, what) {
  const start = Date.now();
  await until(probe, what, 2000);
  return Date.now() - start;
}

test('accounts added, renamed and removed by the CLI show in the open window within 2 s', async () => {
  const search = browser.$('#search');
  await search.setValue('Follow');
  const added = JSON.parse(cli([
    'add', '--json', 'otpauth://totp/Follow:first?secret=JBSWY3DPEHPK3PXP&issuer=Follow',
  ]));
  const shown = await within2s(
    () => accountRow(browser, added.id).isExisting(), 'the added account in the window',
  );

  cli(['rename', added.id, 'Follow:renamed']);
  const renamed = await within2s(
    async () => (await rowText(added.id)).includes('renamed'), 'the new name in the window',
  );

  cli(['remove', added.id]);
  const removed = await within2s(
    async () => !(await accountRow(browser, added.id).isExisting()), 'the account gone',
  );

  assert.equal(await search.getValue(), 'Follow', 'the search text is kept');
  console.log(`# follow: added ${shown} ms, renamed ${renamed} ms, removed ${removed} ms`);
  await search.clearValue();
});
