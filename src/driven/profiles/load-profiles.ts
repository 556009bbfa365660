import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { GreenlaneError } from '../../core/error.ts';
import { profileContentHash } from '../../core/rules/profile-hash.ts';
import { parseRiskProfiles, type RiskProfile } from '../../core/rules/risk-profile.ts';

/** Closed set of reasons a profile file is refused. */
export type ProfileLoadErrorCode = 'READ_ERROR' | 'SYNTAX_ERROR' | 'INVALID_PROFILE' | 'DUPLICATE_VERSION';

/** One problem in one file: the file (relative to the directory), the RFC 6901 path and the line. */
export interface ProfileFileIssue {
  file: string;
  path: string;
  /** 1-based line of the offending node, when the file parsed far enough to know it. */
  line?: number;
  code: ProfileLoadErrorCode;
  message: string;
}

/** A validated profile with where it came from and its content hash (see `profileContentHash`). */
export interface LoadedProfile {
  profile: RiskProfile;
  file: string;
  contentHash: string;
}

export interface ProfileDirectory {
  profiles: LoadedProfile[];
  issues: ProfileFileIssue[];
}

/** Every problem found in a profile directory; `code` is the first problem's. */
export class ProfileLoadError extends GreenlaneError<ProfileLoadErrorCode> {
  override name = 'ProfileLoadError';
  constructor(readonly issues: readonly ProfileFileIssue[]) {
    super(
      issues[0]?.code ?? 'INVALID_PROFILE',
      `${issues.length} problem(s) in risk profiles:\n${issues
        .map((i) => `  ${i.file}${i.line ? `:${i.line}` : ''} ${i.path || '(file)'}: ${i.message}`)
        .join('\n')}`,
    );
  }
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Profile files under `dir` (subfolders included), in name order so loading is deterministic. */
function profileFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => EXTENSIONS.has(extname(f).toLowerCase()) && statSync(join(dir, f)).isFile())
    .sort();
}

/** RFC 6901 pointer back to path segments (numbers for list indexes, as the YAML tree expects). */
function segments(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * Parses one file's text (YAML or JSON: YAML 1.2 reads JSON too, and rejects duplicate keys in
 * both). Issues carry the line of the deepest node of their path that exists in the file.
 */
export function parseProfileFile(
  file: string,
  text: string,
): { profiles: RiskProfile[]; issues: ProfileFileIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      profiles: [],
      issues: doc.errors.map((e) => ({
        file,
        path: '',
        line: lineCounter.linePos(e.pos[0]).line,
        code: 'SYNTAX_ERROR' as const,
        message: e.message.split('\n')[0]!,
      })),
    };
  }
  const parsed = parseRiskProfiles(doc.toJS());
  if (parsed.ok) return { profiles: parsed.profiles, issues: [] };
  const locate = locator(doc, lineCounter);
  return {
    profiles: [],
    issues: parsed.issues.map((i) => ({
      file,
      path: i.path,
      line: locate(i.path).line,
      code: 'INVALID_PROFILE' as const,
      message: i.message,
    })),
  };
}

/** Line and column (1-based) of the deepest node of an RFC 6901 path that exists in the document. */
function locator(
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
): (pointer: string) => { line?: number; column?: number } {
  return (pointer) => {
    const path = segments(pointer);
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return { line, column: col };
      }
    }
    return {};
  };
}

/** Where an RFC 6901 path of a profile text is (for lint findings on a valid profile). */
export function locateInProfileText(text: string): (pointer: string) => { line?: number; column?: number } {
  const lineCounter = new LineCounter();
  return locator(parseDocument(text, { lineCounter }), lineCounter);
}

/**
 * Reads every `.yaml`, `.yml` and `.json` file under a directory; each holds one profile or a list
 * of profiles. A bad file does not hide the good ones: its issues are reported and the others load.
 * The same id and version in two places is an issue (which one is meant?).
 */
export function readProfileDirectory(dir: string): ProfileDirectory {
  const profiles: LoadedProfile[] = [];
  const issues: ProfileFileIssue[] = [];
  const seen = new Map<string, string>();
  let files: string[];
  try {
    files = profileFiles(dir);
  } catch (cause) {
    return { profiles, issues: [{ file: dir, path: '', code: 'READ_ERROR', message: String(cause) }] };
  }
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch (cause) {
      issues.push({ file, path: '', code: 'READ_ERROR', message: String(cause) });
      continue;
    }
    const name = relative(dir, join(dir, file));
    const result = parseProfileFile(name, text);
    issues.push(...result.issues);
    for (const profile of result.profiles) {
      const key = `${profile.id}@${profile.version}`;
      const first = seen.get(key);
      if (first !== undefined) {
        issues.push({
          file: name,
          path: '',
          code: 'DUPLICATE_VERSION',
          message: `profile ${profile.id} version ${profile.version} is also defined in ${first}`,
        });
        continue;
      }
      seen.set(key, name);
      profiles.push({ profile, file: name, contentHash: profileContentHash(profile) });
    }
  }
  return { profiles, issues };
}

/** Like {@link readProfileDirectory}, but any issue is fatal: throws `ProfileLoadError` listing all of them. */
export function loadProfiles(dir: string): LoadedProfile[] {
  const { profiles, issues } = readProfileDirectory(dir);
  if (issues.length > 0) throw new ProfileLoadError(issues);
  return profiles;
}
