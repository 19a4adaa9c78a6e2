// The appearance setting: on "dark" (as the settings view saves it) the page is dark from its
// first paint; switching to "light" in the settings view turns it light at once. Leaves a
// screenshot of each. ("Follow the system" follows `prefers-color-scheme` as WebKitGTK reports
// it, which Xvfb cannot switch.)

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { screenshot, startApp } from './support.mjs';

const settingsFile = join(process.env.COGAUTH_CONFIG_DIR ?? '', 'settings.json');
let savedSettings = '';
let browser;

before(async () => {
  savedSettings = readFileSync(settingsFile, 'utf8');
  const settings = JSON.parse(savedSettings);
  settings.settings.theme = 'dark';
  writeFileSync(settingsFile, JSON.stringify(settings));
  browser = await startApp();
});

after(async () => {
  await browser?.deleteSession();
  writeFileSync(settingsFile, savedSettings);
});

/** The sum of the page background's red, green and blue. */
async function backgroundLevel() {
  const background = await browser.execute(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = background.match(/\d+/g).map(Number);
  return r + g + b;
}

test('with the dark appearance the page is dark, and light once the setting says so', async () => {
  await browser.$('li.account').waitForDisplayed();
  assert.equal(await browser.execute(() => document.documentElement.dataset.theme), 'dark');
  assert.ok(await backgroundLevel() < 200, 'a dark background');
  await screenshot(browser, 'accounts-dark');

  await browser.$('#settings-button').click();
  // Applied and saved as it is chosen: there is no Save button.
  await browser.$('#set-theme').selectByAttribute('value', 'light');
  await browser.$('#settings-result').waitForDisplayed();
  assert.equal(await browser.execute(() => document.documentElement.dataset.theme), 'light');
  assert.ok(await backgroundLevel() > 600, 'a light background');
  const stored = JSON.parse(readFileSync(settingsFile, 'utf8'));
  assert.equal(stored.settings.theme, 'light');
});
