// Shared by the end-to-end tests: a WebDriver session on the app, the CLI and the independent
// peers (oathtool, xclip) as the truth. scripts/e2e sets the environment read here.

import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { remote } from 'webdriverio';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through scripts/e2e`);
  return value;
};

/**
 * Starts the app through tauri-driver and returns the WebdriverIO browser.
 * @param {Record<string, string>} [extraEnv] not supported by tauri-driver: the app inherits
 *   tauri-driver's environment, which scripts/e2e sets.
 */
export async function startApp() {
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

/** Unix seconds now. */
export const nowUnix = () => Math.floor(Date.now() / 1000);
