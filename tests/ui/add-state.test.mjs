// The "Add an account" view's state (ui/add-state.js) and the shared wording (ui/format.js)
// under Node: the hand-typed entry sent as typed, where refusals go, the import preview and
// the file size check against core's limit.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  fieldsShown, importedMessage, inputOf, isTransferLink, MANUAL_FIELDS, manualEntry,
  PREVIEW_LIMIT, formatLines, previewModel,
} from '../../ui/add-state.js';
import { accountName, formatMiB, groupCode, plural } from '../../ui/format.js';

const MIB = 1024 * 1024;

describe('a hand-typed account', () => {
  const form = {
    issuer: '  ACME ', label: 'alice ', secret: 'jbsw y3dp ehpk 3pxp', kind: 'totp',
    algorithm: '', digits: '', period: '', counter: '7',
  };

  test('every field is a string exactly as typed, with no default filled in', () => {
    const entry = manualEntry(form);
    assert.deepEqual(entry, {
      issuer: '  ACME ', label: 'alice ', secret: 'jbsw y3dp ehpk 3pxp', kind: 'totp',
      algorithm: '', digits: '', period: '', counter: '',
    });
    for (const [name, value] of Object.entries(entry)) assert.equal(typeof value, 'string', name);
  });

  test('what core will refuse is sent anyway: no rule in the page', () => {
    const entry = manualEntry({ ...form, secret: 'not base32 at all!', label: '', period: '0', digits: '9', algorithm: 'MD5' });
    assert.equal(entry.secret, 'not base32 at all!');
    assert.equal(entry.label, '');
    assert.equal(entry.period, '0');
    assert.equal(entry.digits, '9');
    assert.equal(entry.algorithm, 'MD5');
  });

  test('a setting the type does not use is sent empty', () => {
    const typed = { ...form, algorithm: 'SHA256', digits: '8', period: '60', counter: '5' };
    assert.deepEqual(manualEntry({ ...typed, kind: 'hotp' }),
      { ...typed, kind: 'hotp', period: '' });
    assert.deepEqual(manualEntry({ ...typed, kind: 'totp' }),
      { ...typed, kind: 'totp', counter: '' });
    assert.deepEqual(manualEntry({ ...typed, kind: 'steam' }),
      { ...typed, kind: 'steam', algorithm: '', digits: '', counter: '' });
  });

  test('the form shows the settings of the chosen type', () => {
    assert.deepEqual(fieldsShown('totp'), { algorithm: true, digits: true, period: true, counter: false });
    assert.deepEqual(fieldsShown('hotp'), { algorithm: true, digits: true, period: false, counter: true });
    assert.deepEqual(fieldsShown('steam'), { algorithm: false, digits: false, period: true, counter: false });
    // A kind core may add later: every setting, core says which it takes.
    assert.deepEqual(fieldsShown('motp'), { algorithm: true, digits: true, period: true, counter: true });
    assert.equal(manualEntry({ ...form, kind: 'motp' }).counter, '7');
  });

  test('a refusal goes next to the field core names, else under the form', () => {
    for (const field of ['issuer', 'label', 'secret', 'kind', 'algorithm', 'digits', 'period', 'counter']) {
      assert.equal(inputOf(MANUAL_FIELDS, field), `manual-${field}`);
    }
    assert.equal(inputOf(MANUAL_FIELDS, undefined), null);
    assert.equal(inputOf(MANUAL_FIELDS, 'uri'), null);
    assert.equal(inputOf(MANUAL_FIELDS, 'constructor'), null);
  });
});

describe('importing', () => {
  test('a Google Authenticator transfer link goes through the import', () => {
    assert.ok(isTransferLink('otpauth-migration://offline?data=abc'));
    assert.ok(isTransferLink('  OTPAUTH-MIGRATION://offline?data=abc'));
    assert.ok(!isTransferLink('otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP'));
    assert.ok(!isTransferLink(''));
  });

  test('the preview: format, counts, entries (at most PREVIEW_LIMIT), warnings', () => {
    const model = previewModel({
      format: 'qr-image',
      new: [{ issuer: 'ACME', label: 'alice', kind: 'totp' }, { issuer: '', label: 'bob', kind: 'hotp' }],
      duplicates: 1,
      warnings: ['part 2 is missing'],
    });
    assert.equal(model.summary, 'QR codes in the image: 2 new, 1 duplicate skipped.');
    assert.deepEqual(model.items, ['ACME (alice) · TOTP', 'bob · HOTP']);
    assert.deepEqual(model.warnings, ['part 2 is missing']);
    assert.equal(model.apply, 'Import 2 accounts');

    const many = previewModel({
      format: 'some-new-format',
      new: Array.from({ length: PREVIEW_LIMIT + 5 }, (_, i) => ({ issuer: 'X', label: `n${i}`, kind: 'totp' })),
      duplicates: 0,
      warnings: [],
    });
    assert.equal(many.summary, `some-new-format: ${PREVIEW_LIMIT + 5} new, 0 duplicates skipped.`);
    assert.deepEqual(many.warnings, []);
    assert.equal(many.dropped, '');
    assert.equal(many.items.length, PREVIEW_LIMIT + 1);
    assert.equal(many.items.at(-1), 'and 5 more');
    assert.equal(previewModel({ format: 'aegis', new: [{ issuer: 'A', label: 'a', kind: 'steam' }], duplicates: 0, warnings: [] }).apply,
      'Import 1 account');
  });

  test("an app's file: core's name for the app, and what it leaves behind", () => {
    const model = previewModel({
      format: 'aegis',
      app: 'Aegis',
      not_imported: ['icons', 'notes'],
      new: [{ issuer: 'A', label: 'a', kind: 'totp' }],
      duplicates: 0,
      warnings: [],
    });
    assert.equal(model.summary, 'Aegis: 1 new, 0 duplicates skipped.');
    assert.deepEqual(model.warnings, []);
    assert.equal(model.dropped, 'Not imported from Aegis: icons, notes.');
  });

  test('the list of exports is one line per format of the registry', () => {
    assert.deepEqual(formatLines([
      { name: 'aegis', app: 'Aegis', files: 'vault export, plain or encrypted' },
      { name: 'steam', app: 'Steam Desktop Authenticator', files: 'unencrypted .maFile' },
    ]), ['Aegis: vault export, plain or encrypted', 'Steam Desktop Authenticator: unencrypted .maFile']);
    assert.deepEqual(formatLines([]), []);
  });

  test('the toast after an import', () => {
    assert.equal(importedMessage(1, 0), 'Imported 1 account.');
    assert.equal(importedMessage(2, 3), 'Imported 2 accounts, 3 skipped.');
  });
});

describe('wording shared by the views', () => {
  test('codes are grouped for reading; Steam codes stay whole', () => {
    assert.equal(groupCode('287082'), '287 082');
    assert.equal(groupCode('1234567'), '123 4567');
    assert.equal(groupCode('12345678'), '1234 5678');
    assert.equal(groupCode('5XK2R'), '5XK2R');
    assert.equal(groupCode('12345'), '12345');
  });

  test('names, counts and sizes', () => {
    assert.equal(accountName({ issuer: 'ACME', label: 'alice' }), 'ACME (alice)');
    assert.equal(accountName({ issuer: '', label: 'alice' }), 'alice');
    assert.equal(plural(1, 'account'), '1 account');
    assert.equal(plural(0, 'account'), '0 accounts');
    assert.equal(formatMiB(50 * MIB), '50 MiB');
    assert.equal(formatMiB(1.5 * MIB), '1.5 MiB');
    assert.equal(formatMiB(16 * MIB + 1), '16 MiB');
  });
});
