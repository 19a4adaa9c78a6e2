// The page's structure, read as text: the state modules hold no DOM and no IPC, ipc.js alone
// reaches Tauri, index.html has no inline script (CSP `default-src 'self'`), and every id the
// modules and the field tables name exists in index.html (with its `-error` line where an
// error is shown next to it).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { KIND_FIELDS, MANUAL_FIELDS } from '../../ui/add-state.js';
import { FIELDS } from '../../ui/enrol-state.js';

const UI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ui');
const modules = readdirSync(UI).filter((name) => name.endsWith('.js'));
const source = (name) => readFileSync(join(UI, name), 'utf8');
const page = (name) => readFileSync(join(UI, name), 'utf8');
const idsIn = (text) => new Set([...text.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]));
const html = page('index.html');
const ids = idsIn(html);
/** The pages, and the module each loads (the quick box has its own page). */
const PAGES = { 'index.html': 'app.js', 'quick.html': 'quick.js' };

/** The code without its comments (a comment may say "no DOM"). */
const code = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
const imports = (text) => [...text.matchAll(/from '(\.\/[^']+)'/g)].map((match) => match[1].slice(2));

const STATE_MODULES = [
  'accounts-state.js', 'enrol-state.js', 'add-state.js', 'settings-state.js', 'cognito-state.js', 'quick-state.js',
  'format.js',
];

test('the state modules exist and are ES modules', () => {
  for (const name of STATE_MODULES) assert.ok(modules.includes(name), name);
  for (const name of modules.filter((module) => module !== 'theme.js')) {
    assert.match(source(name), /^(?:import|export) /m, `${name} is an ES module`);
  }
});

test('state modules touch no DOM, no window and no IPC, and import only state modules', () => {
  for (const name of STATE_MODULES) {
    const text = code(source(name));
    for (const forbidden of [/\bdocument\b/, /\bwindow\b/, /\bHTML\w*Element\b/, /__TAURI/, /\blocalStorage\b/]) {
      assert.doesNotMatch(text, forbidden, `${name} uses ${forbidden}`);
    }
    for (const imported of imports(text)) {
      assert.ok(STATE_MODULES.includes(imported), `${name} imports ${imported}`);
    }
  }
});

test('only ipc.js reaches Tauri', () => {
  for (const name of modules) {
    if (name === 'ipc.js') continue;
    assert.doesNotMatch(code(source(name)), /__TAURI|\binvoke\(/, name);
  }
  assert.match(source('ipc.js'), /__TAURI_INTERNALS__/);
});

test('every relative import names a module of ui/', () => {
  for (const name of modules) {
    for (const imported of imports(source(name))) assert.ok(modules.includes(imported), `${name} imports ${imported}`);
  }
});

test('the pages have no inline script, handler or style attribute, and load their module', () => {
  const pages = readdirSync(UI).filter((name) => name.endsWith('.html'));
  assert.deepEqual(pages.sort(), Object.keys(PAGES).sort(), 'every page is known here');
  for (const [name, module] of Object.entries(PAGES)) {
    const text = page(name);
    for (const script of text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      assert.match(script[1], /\ssrc="[^"]+"/, `${name}: every script has a src`);
      assert.equal(script[2].trim(), '', `${name}: and no body`);
    }
    assert.match(text, new RegExp(`<script type="module" src="${module}">`), `${name} loads ${module}`);
    assert.doesNotMatch(text, /\son[a-z]+\s*=/i, `${name}: no inline event handler`);
    assert.doesNotMatch(text, /\sstyle\s*=/i, `${name}: no style attribute`);
    assert.doesNotMatch(text, /javascript:/i, name);
  }
});

test('every id the modules look up is in their page', () => {
  const quickIds = idsIn(page('quick.html'));
  for (const name of modules) {
    const known = name === PAGES['quick.html'] ? quickIds : ids;
    for (const match of source(name).matchAll(/(?:byId|inputById|setFieldError)\('([^']+)'/g)) {
      assert.ok(known.has(match[1]), `${name}: #${match[1]}`);
    }
  }
});

test('every input a refusal can name has its error line', () => {
  const inputs = [
    ...Object.values(MANUAL_FIELDS),
    ...Object.values(FIELDS).flatMap((field) => [field.input, field.resume].filter(Boolean)),
    'add-uri-input', 'import-password', 'wiz-prompt-input', 'wiz-prompt-confirm',
  ];
  for (const input of inputs) {
    assert.ok(ids.has(input), `#${input}`);
    assert.ok(ids.has(`${input}-error`), `#${input}-error`);
    assert.match(html, new RegExp(`id="${input}"[^>]*aria-describedby="${input}-error"`), `#${input} names its error`);
  }
  for (const field of new Set(Object.values(KIND_FIELDS).flat())) {
    assert.ok(ids.has(`manual-${field}-field`), `#manual-${field}-field`);
  }
});

test('the enrolment wizard offers core\'s sign-in methods, the move opt-in off, and a live note', () => {
  const select = html.match(/<select id="wiz-flow"[^>]*>([\s\S]*?)<\/select>/)?.[1] ?? '';
  assert.deepEqual([...select.matchAll(/<option value="([^"]+)"/g)].map((match) => match[1]), ['srp', 'password', 'user_auth']);
  assert.match(select, /<option value="srp" selected>/, 'SRP by default');
  const replace = html.match(/<input id="wiz-replace"[^>]*>/)?.[0] ?? '';
  assert.match(replace, /type="checkbox"/);
  assert.doesNotMatch(replace, /\schecked/, 'moving a user from another app is opt-in');
  assert.match(html, /<div class="check wiz-new-only">\s*<input id="wiz-replace"/, 'only for a new enrolment');
  assert.match(html, /<label for="wiz-replace">This user already has an authenticator app: move it to CogAuth \(that app's codes stop working\)<\/label>/);
  assert.match(html, /id="wiz-note"[^>]*role="status"[^>]*aria-live="polite"/);
});

test('a file to import is picked in the shell\'s native dialog, not WebKit\'s bare file input', () => {
  assert.match(html, /<button id="import-file" class="button" type="button">Choose a file…<\/button>/);
  assert.doesNotMatch(html, /type="file"/);
  assert.match(source('add.js'), /importPick\(\)/);
});
