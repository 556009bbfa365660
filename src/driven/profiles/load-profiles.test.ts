import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfiles, ProfileLoadError, readProfileDirectory } from './load-profiles.ts';

const yamlProfile = `id: ODS-NO-LICENCE
version: 2
title: ODS without licence
reason: ODS without a licence.
instructions: Ask for the licence.
weight: 80
minChannel: red
criteria:
  all:
    - regulatoryConcern:
        concern: [ozone_depleting]
    - missingDocument:
        types: [ODS-LICENCE]
`;

const jsonProfile = {
  id: 'ODS-NO-LICENCE',
  version: 2,
  title: 'ODS without licence',
  reason: 'ODS without a licence.',
  instructions: 'Ask for the licence.',
  weight: 80,
  minChannel: 'red',
  enabled: true,
  criteria: {
    all: [
      { regulatoryConcern: { concern: ['ozone_depleting'], minConfidence: 'low' } },
      { missingDocument: { types: ['ODS-LICENCE'] } },
    ],
  },
};

function directory(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'greenlane-profiles-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('readProfileDirectory', () => {
  it('reads YAML and JSON, one profile or a list per file, subfolders included, other files ignored', () => {
    const list = [
      { ...jsonProfile, id: 'A-ONE', version: 1 },
      { ...jsonProfile, id: 'A-TWO', version: 1 },
    ];
    const dir = directory({
      'ods.yaml': yamlProfile,
      'more/list.json': JSON.stringify(list),
      'README.md': '# not a profile',
    });
    const { profiles, issues } = readProfileDirectory(dir);
    expect(issues).toEqual([]);
    expect(profiles.map((p) => [p.file, p.profile.id])).toEqual([
      ['more/list.json', 'A-ONE'],
      ['more/list.json', 'A-TWO'],
      ['ods.yaml', 'ODS-NO-LICENCE'],
    ]);
  });

  it('hashes content, not syntax: the same profile in YAML and JSON (defaults spelled out) hashes the same', () => {
    const a = loadProfiles(directory({ 'ods.yaml': yamlProfile }))[0]!;
    const b = loadProfiles(directory({ 'ods.json': JSON.stringify(jsonProfile, null, 2) }))[0]!;
    expect(a.contentHash).toBe(b.contentHash);
    const changed = loadProfiles(
      directory({ 'ods.yaml': yamlProfile.replace('weight: 80', 'weight: 81') }),
    )[0]!;
    expect(changed.contentHash).not.toBe(a.contentHash);
  });

  it('reports a bad criterion with its path and line, and still loads the good files', () => {
    const bad = yamlProfile
      .replace('concern: [ozone_depleting]', 'concern: []')
      .replace('[ODS-LICENCE]\n', '[ODS-LICENCE]\n        when: now\n');
    const dir = directory({
      'bad.yaml': bad,
      'good.json': JSON.stringify({ ...jsonProfile, id: 'GOOD-ONE' }),
    });
    const { profiles, issues } = readProfileDirectory(dir);
    expect(profiles.map((p) => p.profile.id)).toEqual(['GOOD-ONE']);
    expect(issues).toEqual([
      {
        file: 'bad.yaml',
        path: '/criteria/all/0/regulatoryConcern/concern',
        line: 11,
        code: 'INVALID_PROFILE',
        message: 'must list at least one value',
      },
      {
        file: 'bad.yaml',
        path: '/criteria/all/1/missingDocument',
        line: 13,
        code: 'INVALID_PROFILE',
        message: expect.stringContaining('when'),
      },
    ]);
  });

  it('reports syntax errors with their line, duplicate keys included', () => {
    const { issues } = readProfileDirectory(
      directory({ 'broken.yaml': 'id: X\ncriteria: [\n', 'dup.yml': `${yamlProfile}weight: 3\n` }),
    );
    expect(issues.map((i) => [i.file, i.code, i.line])).toEqual([
      ['broken.yaml', 'SYNTAX_ERROR', 3],
      ['dup.yml', 'SYNTAX_ERROR', 14],
    ]);
    expect(issues[1]!.message).toContain('unique');
  });

  it('refuses the same id and version twice', () => {
    const { profiles, issues } = readProfileDirectory(
      directory({ 'a.yaml': yamlProfile, 'b.json': JSON.stringify(jsonProfile) }),
    );
    expect(profiles).toHaveLength(1);
    expect(issues).toEqual([
      {
        file: 'b.json',
        path: '',
        code: 'DUPLICATE_VERSION',
        message: 'profile ODS-NO-LICENCE version 2 is also defined in a.yaml',
      },
    ]);
  });

  it('reports a missing directory', () => {
    const { issues } = readProfileDirectory(join(tmpdir(), 'greenlane-no-such-dir-4711'));
    expect(issues.map((i) => i.code)).toEqual(['READ_ERROR']);
  });
});

describe('loadProfiles', () => {
  it('throws one error listing every issue with file and line', () => {
    const dir = directory({ 'x.yaml': yamlProfile.replace('version: 2', 'version: two') });
    expect(() => loadProfiles(dir)).toThrow(ProfileLoadError);
    try {
      loadProfiles(dir);
    } catch (e) {
      expect((e as ProfileLoadError).code).toBe('INVALID_PROFILE');
      expect((e as Error).message).toContain('x.yaml:2 /version:');
    }
  });
});
