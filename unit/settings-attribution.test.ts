/**
 * The settings check of an existing deployment fails only for changes the suite made (or that
 * nobody can be named for); a key the server writes itself on first use is reported, not failed
 * (issue 18: `media_processing_registry_json`).
 */
import { expect, test } from '@playwright/test';
import { describeChange, judgeSettings, parseSnapshot, type SettingRecord, snapshotOf } from '../helpers/judges/settings.js';

const T0 = '2026-05-01T10:00:00Z';
const T1 = '2026-05-01T10:05:00Z';
const people = {
  suite: new Map([
    [1, 'opsadmin'],
    [2, 'opsuser'],
  ]),
  users: new Map([
    [1, 'opsadmin'],
    [2, 'opsuser'],
    [3, 'alice'],
  ]),
};

const before = snapshotOf(
  [
    { key: 'media_processing_registry_json', value: '{"processors":[]}', updated_by: null, updated_at: T0 },
    { key: 'webdav_enabled', value: 'true', updated_by: 3, updated_at: T0 },
    { key: 'site_name', value: 'Team Drive', updated_by: 3, updated_at: T0 },
    { key: 'mail_smtp_password', value: 'old-smtp-secret', updated_by: 3, updated_at: T0, is_sensitive: true },
    { key: 'branding_title', value: 'Drive', updated_by: 3, updated_at: T0 },
  ],
  T0,
);

const after = (changes: Record<string, SettingRecord>): Record<string, SettingRecord> => ({ ...before.entries, ...changes });

test('a key the server wrote itself passes; a key the suite wrote fails, with key, values, who and when', () => {
  const result = judgeSettings(
    before,
    after({
      media_processing_registry_json: { value: '{"processors":[{"kind":"vips","enabled":true}]}', updated_by: null, updated_at: T1 },
      webdav_enabled: { value: 'false', updated_by: 2, updated_at: T1 },
    }),
    people,
  );
  expect(result.map((c) => [c.key, c.actor, c.fails])).toEqual([
    ['media_processing_registry_json', 'server', false],
    ['webdav_enabled', 'suite', true],
  ]);
  const failing = result.filter((c) => c.fails);
  expect(failing).toHaveLength(1);
  const line = describeChange(failing[0]);
  expect(line).toContain('webdav_enabled');
  expect(line).toContain('"true" -> "false"');
  expect(line).toContain('opsuser (user id 2)');
  expect(line).toContain(T1);
});

test('a change by another administrator is reported, not failed', () => {
  const [c] = judgeSettings(before, after({ site_name: { value: 'New Name', updated_by: 3, updated_at: T1 } }), people);
  expect(c).toMatchObject({ key: 'site_name', actor: 'other-user', fails: false });
  expect(c.who).toContain('alice');
});

test('a new key the server stores on first use passes', () => {
  const [c] = judgeSettings(before, after({ thumbnail_registry: { value: '{}', updated_by: null, updated_at: T1 } }), people);
  expect(c).toMatchObject({ key: 'thumbnail_registry', actor: 'server', fails: false, old: '(absent)' });
});

test('changes nobody can be named for fail', () => {
  const removed = { ...before.entries };
  delete removed.branding_title;
  const cases: Record<string, SettingRecord>[] = [
    removed,
    after({ site_name: { value: 'X', updated_at: T1 } }), // no updated_by reported
    after({ site_name: { value: 'X', updated_by: 3, updated_at: T0 } }), // a user's write, but updated_at did not move
    after({ site_name: { value: 'X', updated_by: 99, updated_at: T1 } }), // a user no longer on the server
  ];
  for (const now of cases) {
    const changes = judgeSettings(before, now, people);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ actor: 'unknown', fails: true });
  }
});

test('secret-looking keys are redacted, long values shortened', () => {
  const [secret] = judgeSettings(before, after({ mail_smtp_password: { value: 'new-smtp-secret', updated_by: 1, updated_at: T1 } }), people);
  expect(describeChange(secret)).not.toContain('smtp-secret');
  expect(secret).toMatchObject({ old: '[redacted]', new: '[redacted]', fails: true });
  const [token] = judgeSettings(before, after({ wopi_signing_token: { value: 'abcdef123456', updated_by: 1, updated_at: T1 } }), people);
  expect(token.new).toBe('[redacted]');
  const [long] = judgeSettings(before, after({ media_processing_registry_json: { value: 'x'.repeat(5000), updated_by: null, updated_at: T1 } }), people);
  expect(long.new.length).toBeLessThan(160);
  expect(long.new).toContain('5000 characters');
});

test('the older snapshot format (key -> value) still reads', () => {
  const legacy = parseSnapshot({ site_name: 'Team Drive' });
  const [c] = judgeSettings(legacy, { site_name: { value: 'Other', updated_by: null, updated_at: T1 } }, people);
  expect(c).toMatchObject({ actor: 'server', fails: false });
});

test('a JSON setting written again with the same content in another key order or layout is no change', () => {
  const reordered = after({
    media_processing_registry_json: { value: '{\n  "processors": []\n}', updated_by: null, updated_at: T0 },
  });
  expect(judgeSettings(before, reordered, people)).toEqual([]);
  const changed = after({
    media_processing_registry_json: { value: '{"processors":[{"kind":"vips_cli"}]}', updated_by: null, updated_at: T0 },
  });
  expect(judgeSettings(before, changed, people).map((c) => c.key)).toEqual(['media_processing_registry_json']);
});

test('the server rewriting a setting without moving updated_at (updated_by null) is the server, reported not failed', () => {
  const now = after({ media_processing_registry_json: { value: '{"processors":[{"kind":"vips_cli"}]}', updated_by: null, updated_at: T0 } });
  expect(judgeSettings(before, now, people)).toEqual([expect.objectContaining({ key: 'media_processing_registry_json', actor: 'server', fails: false })]);
});
