// Shared by the end-to-end tests: a WebDriver session on the app, the CLI and the independent
// peers (oathtool, xclip) as the truth. scripts/e2e sets the environment read here.

import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { remote } from 'webdriverio';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through scripts/e2e`);
  return value;
};

/**
 * Whether an app of this run is still running (read from /proc: its first argument is the
 * app's path). A session's app exits shortly after the session is deleted; one started before
 * that hands its launch to the closing one (the single-instance plugin) and exits at once.
 */
export function appRunning() {
  const app = env('COGAUTH_APP');
  return readdirSync('/proc').some((pid) => {
    if (!/^\d+$/.test(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === app;
    } catch {
      return false;
    }
  });
}

/**
 * Starts the app through tauri-driver and returns the WebdriverIO browser.
 * @param {Record<string, string>} [extraEnv] not supported by tauri-driver: the app inherits
 *   tauri-driver's environment, which scripts/e2e sets.
 */
export async function startApp() {
  await until(() => !appRunning(), 'the app of an earlier session to exit', 15000);
  const browser = await remote({
    hostname: '127.0.0.1',
    port: Number(env('TAURI_DRIVER_PORT')),
    logLevel: 'error',
    connectionRetryCount: 0,
    capabilities: {
      'tauri:options': { application: env('COGAUTH_APP') },
      'wdio:enforceWebDriverClassic': true,
    },
  });
  await browser.setTimeout({ implicit: 0 });
  return browser;
}

/**
 * Runs the `cogauth` CLI on the test vault and returns its stdout.
 * @param {string[]} args
 * @param {string} [input] standard input
 */
export function cli(args, input = '') {
  return execFileSync(env('COGAUTH_CLI'), args, { input, encoding: 'utf8' });
}

/** The accounts in the vault, as `cogauth list --json` prints them. */
export function listed() {
  return JSON.parse(cli(['list', '--json']));
}

/** oathtool's output for `args`, trimmed. */
export function oathtool(args) {
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}

/**
 * oathtool's TOTP code for a base32 secret at a Unix time.
 * @param {string} secret
 * @param {number} unix
 * @param {{digits?: number, period?: number, algorithm?: string}} [options]
 */
export function oathtoolTotp(secret, unix, { digits = 6, period = 30, algorithm = 'SHA1' } = {}) {
  return oathtool([
    '--totp=' + algorithm.toLowerCase(), '-b', '-d', String(digits), '-s', `${period}s`,
    '-N', `@${unix}`, secret,
  ]);
}

/** The X clipboard's text ('' when it holds none). */
export function clipboardText() {
  try {
    return execFileSync('xclip', ['-o', '-selection', 'clipboard'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000,
    });
  } catch {
    return '';
  }
}

/** The formats (X selection targets) the clipboard's owner offers. */
export function clipboardTargets() {
  try {
    return execFileSync('xclip', ['-o', '-selection', 'clipboard', '-t', 'TARGETS'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000,
    }).split('\n').map((line) => line.trim()).filter(Boolean);
  } catch {
    return [];
  }
}

/** Puts `text` on the X clipboard (xclip keeps serving it in the background). */
export function setClipboardText(text) {
  execFileSync('xclip', ['-i', '-selection', 'clipboard'], {
    input: text, stdio: ['pipe', 'ignore', 'ignore'], timeout: 5000,
  });
}

/**
 * Waits until `probe` returns a truthy value; returns it.
 * @template T
 * @param {() => Promise<T> | T} probe
 * @param {string} what  for the failure message
 * @param {number} [timeoutMs]
 * @returns {Promise<T>}
 */
export async function until(probe, what, timeoutMs = 10000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await probe();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

/** Saves a screenshot of the window as NAME.png in the screenshots folder. */
export async function screenshot(browser, name) {
  const dir = env('COGAUTH_SCREENSHOTS');
  mkdirSync(dir, { recursive: true });
  await browser.saveScreenshot(join(dir, `${name}.png`));
}

/**
 * Replaces the value of a text field, brought to the middle of the window first.
 * @param {WebdriverIO.Browser} browser
 * @param {string} selector
 * @param {string} value
 */
export async function fillField(browser, selector, value) {
  const element = browser.$(selector);
  await element.waitForDisplayed();
  await element.scrollIntoView({ block: 'center' });
  await element.setValue(value);
}

/**
 * An element's text as the document holds it ('' when there is none; hidden parts included).
 * @param {WebdriverIO.Browser} browser
 * @param {string} selector
 * @returns {Promise<string>}
 */
export function textIn(browser, selector) {
  return browser.execute((query) => document.querySelector(query)?.textContent ?? '', selector);
}

/** Unix seconds now. */
export const nowUnix = () => Math.floor(Date.now() / 1000);

// Helpers on the window (app.test.mjs has its own copies of the first ones).

/** Brings an element to the middle of the window (clear of the sticky header) and clicks it. */
export async function press(element) {
  await element.waitForDisplayed();
  await element.scrollIntoView({ block: 'center' });
  await element.click();
}

/** Back to the account list, whatever view or dialog is open. */
export async function backToList(browser) {
  for (let i = 0; i < 3 && !(await browser.$('#view-list').isDisplayed()); i += 1) {
    await browser.keys(['Escape']);
  }
  await browser.$('#view-list').waitForDisplayed();
}

/** An account's row. */
export const accountRow = (browser, id) => browser.$(`li.account[data-id="${id}"]`);

/**
 * Runs one of a row's actions as a user does: its "⋯" button, then the menu item.
 * @param {WebdriverIO.Browser} browser
 * @param {string} id
 * @param {'copy'|'hotpNext'|'finish'|'cognito'|'rename'|'reveal'|'moveUp'|'moveDown'|'remove'} action
 */
export async function rowAction(browser, id, action) {
  // Rows far off screen are not rendered (content-visibility): bring the row into view first.
  await accountRow(browser, id).scrollIntoView({ block: 'center' });
  await press(accountRow(browser, id).$('button.more'));
  const item = browser.$(`#row-menu [data-action="${action}"]`);
  await item.waitForDisplayed();
  await item.click();
}

/** The code a row shows, without the grouping space. */
export async function shownCode(browser, id) {
  const text = await accountRow(browser, id).$('.code').getText();
  return text.replace(/\s/g, '');
}

/**
 * Asserts a row shows oathtool's TOTP code for `secret`, read inside one time step (compared
 * with oathtool's for the moments just before and after the read) and not in the first 1.5 s
 * of a period, when the page rightly still shows the code that just expired. The row is
 * scrolled into view first: rows far off screen are not rendered (content-visibility).
 * @param {WebdriverIO.Browser} browser
 * @param {string} id
 * @param {string} secret  base32
 * @param {{digits?: number, period?: number, algorithm?: string}} [options]
 */
export async function assertShowsCode(browser, id, secret, options) {
  await accountRow(browser, id).scrollIntoView({ block: 'center' });
  await until(async () => /^\d+$/.test(await shownCode(browser, id)), `a code in row ${id}`);
  const period = (options?.period ?? 30) * 1000;
  const intoPeriod = Date.now() % period;
  if (intoPeriod < 1500) await new Promise((resolve) => { setTimeout(resolve, 1500 - intoPeriod); });
  const before = nowUnix();
  const shown = await shownCode(browser, id);
  const after = nowUnix();
  const expected = new Set([oathtoolTotp(secret, before, options), oathtoolTotp(secret, after, options)]);
  if (!expected.has(shown)) {
    throw new Error(`row ${id} shows ${shown}, oathtool says ${[...expected]}`);
  }
}

/**
 * Answers the app's native confirmation dialog titled `title` (a GTK dialog the page cannot
 * see) as a person would, from the keyboard: Return presses its first button (the "yes",
 * which has the focus), Escape closes it (no). Without a window manager, `windowfocus`
 * gives it the keyboard. Resolves once the keys are sent; fails if no such dialog appears.
 * @param {string} title  the exact title
 * @param {"confirm"|"cancel"} answer
 */
export async function answerNativeDialog(title, answer) {
  const run = (args) => new Promise((resolve, reject) => {
    execFile('xdotool', args, { timeout: 20000 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
  const pattern = `^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  const found = (await run(['search', '--sync', '--onlyvisible', '--name', pattern])).trim().split('\n')[0];
  assert.ok(found, `a native dialog titled "${title}"`);
  await run(['windowfocus', '--sync', found, 'key', '--clearmodifiers', answer === 'confirm' ? 'Return' : 'Escape']);
}

/**
 * Answers the app's native file dialog titled `title` (GTK's file chooser, which the page
 * cannot see) from the keyboard: with `path`, Ctrl+L opens its location field, the path is
 * typed and Return picks it; without, Return accepts what it offers (a save dialog's
 * suggested name in its suggested folder). Fails if no such dialog appears.
 * @param {string} title  the exact title
 * @param {string} [path]
 */
export async function answerFileDialog(title, path) {
  const run = (args) => new Promise((resolve, reject) => {
    execFile('xdotool', args, { timeout: 20000 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
  const pattern = `^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  const found = (await run(['search', '--sync', '--onlyvisible', '--name', pattern])).trim().split('\n')[0];
  assert.ok(found, `a native file dialog titled "${title}"`);
  // The chooser fills itself in after it is mapped.
  await new Promise((resolve) => { setTimeout(resolve, 700); });
  if (path) {
    await run(['windowfocus', '--sync', found, 'key', '--clearmodifiers', 'ctrl+l']);
    await new Promise((resolve) => { setTimeout(resolve, 300); });
    await run(['windowfocus', '--sync', found, 'type', '--delay', '15', path]);
    await new Promise((resolve) => { setTimeout(resolve, 300); });
  }
  await run(['windowfocus', '--sync', found, 'key', '--clearmodifiers', 'Return']);
}
