import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { dataDir, PACKAGE_ROOT } from '../../../app/config.ts';
import { lintProfile } from '../../../core/rules/lint-profile.ts';
import { type ProfileFileIssue, readProfileDirectory } from '../../profiles/load-profiles.ts';
import { referenceData } from '../../reference/file-reference-data.ts';

/** A reference-data lint finding: the profile is valid but part of it can never match. */
interface LintIssue {
  file: string;
  path: string;
  code: 'NEVER_MATCHES';
  message: string;
}

/** What `greenlane profiles check` writes as JSON. */
export interface ProfileCheckReport {
  ok: boolean;
  directory: string;
  referenceVersion: string;
  profiles: Array<{ id: string; version: number; enabled: boolean; file: string; contentHash: string }>;
  issues: Array<ProfileFileIssue | LintIssue>;
}

/** Validates a profile directory and lints every valid profile against the reference data. */
export function checkProfiles(dir: string, dataDirectory: string): ProfileCheckReport {
  const reference = referenceData(dataDirectory);
  const { profiles, issues } = readProfileDirectory(dir);
  const lint: LintIssue[] = profiles.flatMap(({ profile, file }) =>
    lintProfile(profile, reference).map((i) => ({
      file,
      path: i.path,
      code: 'NEVER_MATCHES' as const,
      message: i.message,
    })),
  );
  const all = [...issues, ...lint];
  return {
    ok: all.length === 0,
    directory: dir,
    referenceVersion: reference.version,
    profiles: profiles.map(({ profile, file, contentHash }) => ({
      id: profile.id,
      version: profile.version,
      enabled: profile.enabled,
      file,
      contentHash,
    })),
    issues: all,
  };
}

export function registerProfilesCommand(program: Command): void {
  const profiles = program.command('profiles').description('risk profiles: check profile files');
  profiles
    .command('check')
    .description(
      'validate risk profile files (YAML/JSON) and lint them against the reference data; ' +
        'problems go to stderr as file:line path: message, the JSON report to stdout or --out',
    )
    .argument('[dir]', 'directory of profile files', resolve(PACKAGE_ROOT, 'profiles'))
    .option('--data <dir>', 'reference data directory (default: GREENLANE_DATA_DIR or the shared mirror)')
    .option('--out <file>', 'write the JSON report to this file instead of stdout')
    .option('--strict', 'exit with status 1 when any problem is found (for CI)')
    .action((dir: string, opts: { data?: string; out?: string; strict?: boolean }) => {
      const report = checkProfiles(resolve(dir), opts.data ? resolve(opts.data) : dataDir());
      for (const i of report.issues) {
        const line = 'line' in i && i.line ? `:${i.line}` : '';
        process.stderr.write(`${i.file}${line} ${i.path || '(file)'}: ${i.message} [${i.code}]\n`);
      }
      process.stderr.write(
        `${report.profiles.length} profile(s) loaded, ${report.issues.length} problem(s)\n`,
      );
      const json = `${JSON.stringify(report, null, 2)}\n`;
      if (opts.out) writeFileSync(opts.out, json);
      else process.stdout.write(json);
      if (opts.strict && !report.ok) process.exitCode = 1;
    });
}
