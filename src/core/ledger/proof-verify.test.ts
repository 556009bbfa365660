import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir } from '../../installation/config.ts';
import { verifyConsistency, verifyInclusion } from './proof-verify.ts';

// transparency-dev/merkle test vectors (see tlog-testdata/SOURCE.md): happy paths must verify and
// every tampered variant must be rejected.
const ROOT = join(dataDir(), 'tlog-testdata');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

const b64 = (s: string) => Buffer.from(s, 'base64');

interface InclusionCase {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  wantErr: boolean;
}

interface ConsistencyCase {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  wantErr: boolean;
}

const inclusionFiles = jsonFiles(join(ROOT, 'inclusion'));
const consistencyFiles = jsonFiles(join(ROOT, 'consistency'));

describe('tlog-testdata inclusion vectors', () => {
  it('has the whole corpus', () => {
    expect(inclusionFiles.length).toBeGreaterThan(60);
  });
  it.each(inclusionFiles.map((f) => [relative(ROOT, f), f]))('%s', (_name, file) => {
    const c = JSON.parse(readFileSync(file, 'utf8')) as InclusionCase;
    const run = () =>
      verifyInclusion(b64(c.leafHash), c.leafIdx, c.treeSize, (c.proof ?? []).map(b64), b64(c.root));
    if (c.wantErr) expect(run).toThrow(expect.objectContaining({ code: 'INCLUSION_PROOF_INVALID' }));
    else expect(run).not.toThrow();
  });
});

describe('tlog-testdata consistency vectors', () => {
  it('has the whole corpus', () => {
    expect(consistencyFiles.length).toBeGreaterThan(60);
  });
  it.each(consistencyFiles.map((f) => [relative(ROOT, f), f]))('%s', (_name, file) => {
    const c = JSON.parse(readFileSync(file, 'utf8')) as ConsistencyCase;
    const run = () =>
      verifyConsistency(c.size1, c.size2, (c.proof ?? []).map(b64), b64(c.root1), b64(c.root2));
    if (c.wantErr) expect(run).toThrow(expect.objectContaining({ code: 'CONSISTENCY_PROOF_INVALID' }));
    else expect(run).not.toThrow();
  });
});
