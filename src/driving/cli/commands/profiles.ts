import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { lintProfile } from '../../../core/rules/lint-profile.ts';
import { StoreError } from '../../../driven/database/store-error.ts';
import {
  loadProfiles,
  type ProfileFileIssue,
  readProfileDirectory,
} from '../../../driven/profiles/load-profiles.ts';
import { referenceData } from '../../../driven/reference/file-reference-data.ts';
import {
  dataDir,
  defaultDatabaseUrl,
  installationConfig,
  PACKAGE_ROOT,
} from '../../../installation/config.ts';
import { withInstallation } from '../../../installation/installation.ts';
import { storeProfiles } from '../../../installation/runtime.ts';
import { UsageError } from '../usage-error.ts';

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
  const profiles = program
    .command('profiles')
    .description("risk profiles: check profile files, load them as an administration's profiles");
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
  profiles
    .command('load')
    .description(
      "store the profile files as one administration's risk profiles (new versions where they changed); " +
        "its next declarations apply them, no restart needed, and no other administration's change",
    )
    .argument('<dir>', 'directory of profile files (YAML/JSON)')
    .requiredOption('--administration <id>', 'administration (tenant) whose profiles these become')
    .option('--actor <name>', 'who loads them (recorded with each change)', 'cli')
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (dir: string, opts: { administration: string; actor: string; db: string }) => {
      let loaded: ReturnType<typeof loadProfiles>;
      try {
        loaded = loadProfiles(resolve(dir));
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      try {
        // The logged store: each profile change is appended to the transparency log.
        const results = await withInstallation(installationConfig(opts.db), {}, (inst) =>
          storeProfiles(inst.store, opts.administration, opts.actor, loaded),
        );
        for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
        const changed = results.filter((r) => r.status !== 'unchanged').length;
        process.stderr.write(`${results.length} profile(s) for ${opts.administration}, ${changed} changed\n`);
      } catch (err) {
        if (err instanceof StoreError) throw new UsageError(err.message);
        throw err;
      }
    });
}
