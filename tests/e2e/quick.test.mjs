// The quick box: the system-wide shortcut (sent with xdotool, as a keyboard would) and
// `cogauth-app --quick` open it at the front; typing finds an account, Enter puts its code on
// the X clipboard (checked against oathtool) and the box goes away; Esc closes it. It works
// with the main window closed, and Settings changes its keys.

import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { after, before, test } from 'node:test';

import {
  appRunning, cli, clipboardText, nowUnix, oathtoolTotp, screenshot, setClipboardText, startApp, until,
} from './support.mjs';

const SECRET = 'KRUGKIDROVUWG2ZAMJZG653OEBTG66BAMFZXG4TB';
const TITLE = '^CogAuth quick copy$';

let browser;

/** @param {string[]} args */
function xdotool(args) {
  return new Promise((resolve, reject) => {
    execFile('xdotool', args, { timeout: 20000 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
}

/** The quick box's X window when it is shown, else ''. */
function shownBox() {
  try {
    return execFileSync('xdotool', ['search', '--onlyvisible', '--name', TITLE], { encoding: 'utf8' })
      .trim().split('\n')[0];
  } catch {
    return '';
  }
}

/** `cogauth-app --quick`, as a desktop's own shortcut would run it; resolves when it exits. */
function launchQuick() {
  return new Promise((resolve, reject) => {
    execFile(process.env.COGAUTH_APP, ['--quick'], { timeout: 20000 }, (error) => (error ? reject(error) : resolve()));
  });
}

/** Milliseconds until the quick box shows, after `open()`. */
async function opens(open, what) {
  const start = Date.now();
  await open();
  await until(shownBox, `the quick box, opened by ${what}`, 5000);
  return Date.now() - start;
}

/**
 * Types `text` into the box, then presses `key`. Xvfb runs no window manager, which is what
 * gives a newly shown window the keyboard on a desktop: `windowfocus` does it here.
 */
async function typeInBox(text, key) {
  const box = shownBox();
  assert.ok(box, 'the quick box is shown');
  // Wait until the page has emptied and focused its field, so no keystroke is lost.
  await new Promise((resolve) => { setTimeout(resolve, 300); });
  await xdotool(['windowfocus', '--sync', box]);
  if (text) await xdotool(['type', '--delay', '20', text]);
  await xdotool(['key', '--clearmodifiers', key]);
}

/** The current code, or the previous one if a period edge passed since `at`. */
function codesSince(at) {
  return new Set([oathtoolTotp(SECRET, at), oathtoolTotp(SECRET, nowUnix())]);
}

/**
 * Types `text` in the box and presses Enter: oathtool's code must reach the clipboard (which
 * held "before") and the box go away.
 */
async function enterCopies(text) {
  const at = nowUnix();
  await typeInBox(text, 'Return');
  const copied = await until(() => {
    const held = clipboardText();
    return held !== 'before' && held;
  }, 'a code on the clipboard');
  assert.ok(codesSince(at).has(copied), `${copied} is oathtool's code`);
  await until(() => !shownBox(), 'the box to go away after the copy', 3000);
}

before(async () => {
  cli(['add', `otpauth://totp/Quickzed:zed%40example.com?secret=${SECRET}&issuer=Quickzed`]);
  browser = await startApp();
  await browser.$('#view-list').waitForDisplayed();
});

after(async () => {
  await browser?.deleteSession();
});

test('the shortcut opens the box; typing and Enter copy oathtool\'s code and close it', async () => {
  setClipboardText('before');
  const ms = await opens(() => xdotool(['key', '--clearmodifiers', 'ctrl+alt+c']), 'Ctrl+Alt+C');
  console.log(`# quick box shown ${ms} ms after the shortcut`);
  await enterCopies('quickz');
});

test('Esc closes the box without copying; a second launch with --quick opens it', async () => {
  setClipboardText('untouched');
  await opens(() => xdotool(['key', '--clearmodifiers', 'ctrl+alt+c']), 'Ctrl+Alt+C');
  await typeInBox('quick', 'Escape');
  await until(() => !shownBox(), 'the box to close on Esc', 3000);
  assert.equal(clipboardText(), 'untouched');

  await opens(launchQuick, 'cogauth-app --quick');
  await typeInBox('', 'Escape');
  await until(() => !shownBox(), 'the box to close on Esc', 3000);
});

test('Settings records other keys for the shortcut and says it works', async () => {
  await browser.$('#settings-button').click();
  const status = browser.$('#set-quick-shortcut-status');
  await until(async () => (await status.getText()).includes('Ctrl+Alt+C opens the quick box'), 'the shortcut status');
  const field = browser.$('#set-quick-shortcut');
  await field.click();
  await browser.keys(['Control', 'Alt', 'k']);
  await browser.keys(['Control', 'Alt']);
  // Out of the field, which records whatever keys reach it.
  await browser.keys('Tab');
  await until(async () => (await status.getText()).includes('Ctrl+Alt+K opens the quick box'), 'the new keys in the status');
  await screenshot(browser, 'settings-quick-shortcut');
  assert.equal(await field.getValue(), 'Ctrl+Alt+K');

  await xdotool(['key', '--clearmodifiers', 'ctrl+alt+c']);
  await new Promise((resolve) => { setTimeout(resolve, 700); });
  assert.equal(shownBox(), '', 'the old keys no longer open the box');
  await opens(() => xdotool(['key', '--clearmodifiers', 'ctrl+alt+k']), 'Ctrl+Alt+K');
  await typeInBox('', 'Escape');
  await until(() => !shownBox(), 'the box to close on Esc', 3000);

  // Off: the keys do nothing and Settings says what is left (the command).
  const enabled = browser.$('#set-quick-shortcut-enabled');
  await enabled.click();
  await until(async () => (await status.getText()).startsWith('Off.'), 'the shortcut off');
  assert.match(await status.getText(), /cogauth-app --quick/);
  await xdotool(['key', '--clearmodifiers', 'ctrl+alt+k']);
  await new Promise((resolve) => { setTimeout(resolve, 700); });
  assert.equal(shownBox(), '', 'a shortcut turned off opens nothing');
  await enabled.click();
  await until(async () => (await status.getText()).includes('Ctrl+Alt+K opens'), 'the shortcut on again');

  // Back to the default, for the tests after this one.
  await field.click();
  await browser.keys(['Control', 'Alt', 'c']);
  await browser.keys(['Control', 'Alt']);
  await browser.keys('Tab');
  await until(async () => (await field.getValue()) === 'Ctrl+Alt+C', 'the default keys again');
  await until(async () => (await status.getText()).includes('Ctrl+Alt+C opens'), 'the default keys at work');
});

test('started hidden in the tray, with no main window, the shortcut copies a code', async () => {
  await browser.deleteSession();
  browser = null;
  await until(() => !appRunning(), 'the app of the WebDriver session to exit', 15000);
  // As "start at login" starts it: in the tray, no window.
  const app = spawn(process.env.COGAUTH_APP, ['--hidden'], { stdio: 'ignore' });
  try {
    await until(() => {
      try {
        return execFileSync('xdotool', ['search', '--name', '^CogAuth$'], { encoding: 'utf8' }) === '';
      } catch {
        return true;
      }
    }, 'no main window');
    // The shortcut is claimed during start-up: try until the box shows.
    setClipboardText('before');
    await until(async () => {
      await xdotool(['key', '--clearmodifiers', 'ctrl+alt+c']);
      await new Promise((resolve) => { setTimeout(resolve, 300); });
      return shownBox();
    }, 'the quick box of the app in the tray', 15000);
    await enterCopies('zed');
  } finally {
    app.kill('SIGTERM');
    await until(() => !appRunning(), 'the app in the tray to exit', 15000);
  }
});

/**
 * Starts the app in the tray as in a Wayland session (a Wayland display GTK cannot open, so it
 * falls back to Xvfb while the shell takes the session for Wayland), and returns it with its
 * stderr so far.
 */
function startAsWayland() {
  const app = spawn(process.env.COGAUTH_APP, ['--hidden'], {
    env: { ...process.env, WAYLAND_DISPLAY: 'cogauth-e2e-no-wayland' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const started = { app, stderr: '' };
  app.stderr.on('data', (chunk) => { started.stderr += chunk; });
  return started;
}

async function stop(app) {
  app.kill('SIGTERM');
  await until(() => !appRunning(), 'the app to exit', 15000);
}

/** Calls the stand-in portal's test interface. */
function portalCall(method, ...args) {
  return execFileSync('dbus-send', [
    '--session', '--print-reply=literal', '--dest=org.freedesktop.portal.Desktop',
    '/org/freedesktop/portal/desktop', `org.cogauth.FakePortal.${method}`, ...args,
  ], { encoding: 'utf8' }).trim();
}

test('in a Wayland session the desktop portal binds the shortcut, and its activation copies a code', async () => {
  const portal = spawn('/usr/bin/python3', [new URL('./fake-portal.py', import.meta.url).pathname], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    portal.stdout.once('data', resolve);
    portal.once('exit', () => reject(new Error('the stand-in portal exited')));
  });
  const { app } = startAsWayland();
  try {
    const bound = await until(() => portalCall('Bound'), 'the shortcut bound through the portal', 15000);
    assert.equal(bound, 'quick=CTRL+ALT+c', 'the user\'s keys, as the shortcuts specification spells them');
    // X keys are not grabbed in a Wayland session: only the portal opens the box.
    await xdotool(['key', '--clearmodifiers', 'ctrl+alt+c']);
    await new Promise((resolve) => { setTimeout(resolve, 700); });
    assert.equal(shownBox(), '', 'no X grab');

    setClipboardText('before');
    assert.equal(portalCall('Activate', 'string:quick'), 'boolean true');
    await until(shownBox, 'the quick box, opened by the portal', 5000);
    await enterCopies('zed');
  } finally {
    await stop(app);
    portal.kill('SIGTERM');
  }
});

test('in a Wayland session without the portal, the app says how to bind --quick, which still works', async () => {
  const started = startAsWayland();
  try {
    await until(() => started.stderr.includes('no quick-box shortcut'), 'the reason on stderr', 15000);
    assert.match(started.stderr, /Wayland session.*cogauth-app --quick/s);
    await opens(launchQuick, 'cogauth-app --quick');
    await typeInBox('', 'Escape');
    await until(() => !shownBox(), 'the box to close on Esc', 3000);
  } finally {
    await stop(started.app);
  }
});
