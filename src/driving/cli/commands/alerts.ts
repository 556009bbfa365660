import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { type Command, Option } from 'commander';
import { ALERT_STATUSES, type AlertStatus } from '../../../core/sharing/alert.ts';
import type { StoredAlert } from '../../../driven/store/alert-records.ts';
import type { AlertChange } from '../../../installation/alert-service.ts';
import { defaultDatabaseUrl, installationConfig } from '../../../installation/config.ts';
import { type Installation, type OpenOptions, withInstallation } from '../../../installation/installation.ts';
import type { CliContext } from '../cli-context.ts';
import { UsageError } from '../usage-error.ts';

/** The administration `greenlane assess` uses when given none. */
const DEFAULT_ADMINISTRATION = 'local';
const OUTCOMES = ['hit', 'no-discrepancy', 'discrepancy', 'seizure'] as const;

interface CommonFlags {
  administration: string;
  db: string;
  analyst?: string;
}

/** An alert file: JSON, read whole; a file that is missing or not JSON is a usage error naming it. */
function readAlertFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the alert file "${file}": ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`the alert file "${file}" is not JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** One `alerts list` line: id, from, status (and reason when refused or withdrawn), and what it is about. */
function listLine(a: StoredAlert) {
  return {
    id: a.id,
    from: a.partner ?? a.issuer,
    status: a.status,
    ...(a.statusReason === undefined ? {} : { reason: a.statusReason }),
    version: a.version,
    handling: a.handling,
    ...(a.content ? { title: a.content.title, validUntil: a.content.validUntil } : {}),
    ...(a.direction === 'issued' ? { to: a.recipients } : {}),
  };
}

function print(value: object): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/**
 * `greenlane alerts issue|list|amend|withdraw|feedback`: an analyst's alerts to partners, and a
 * receiver's feedback, as `/v1/alerts` does. What is shared goes to the federation outbox in the
 * transaction that stores it, and the running server delivers it; the commands print the log
 * index of the shared item once the log has appended it.
 */
export function registerAlertsCommand(program: Command, context: CliContext = {}): void {
  const alerts = program.command('alerts').description('Alerts to and from partner administrations');
  const common = (cmd: Command) =>
    cmd
      .option('--administration <id>', 'the administration (tenant)', DEFAULT_ADMINISTRATION)
      .option('--db <url>', 'database URL', defaultDatabaseUrl());
  const sender = (cmd: Command) =>
    common(cmd).option('--analyst <name>', 'who acts (default: cli:<operating-system user>)');

  const options: OpenOptions = context.sharing ? { sharing: context.sharing } : {};
  /** Runs a change that shares, and prints its line with the shared item's log index. */
  const share = (
    flags: CommonFlags,
    change: (inst: Installation<OpenOptions>, actor: string) => Promise<object & { itemId: string }>,
  ) =>
    withInstallation(installationConfig(flags.db), options, async (inst) => {
      await inst.store.ensureAdministration(flags.administration, flags.administration);
      const { itemId, ...line } = await change(inst, flags.analyst ?? `cli:${userInfo().username}`);
      // `change` succeeded through the outbox, so there is one.
      print({ ...line, logIndex: await inst.outbox!.logIndexOf(itemId) });
    });
  const changed = (c: AlertChange) => ({
    itemId: c.itemId,
    id: c.alert.id,
    version: c.alert.version,
    status: c.alert.status,
  });

  sender(alerts.command('issue'))
    .description('Issue an alert to partners; prints {"id","logIndex"}')
    .argument('<alert.json>', 'the alert file (docs/SHARING.md)')
    .requiredOption('--to <partners>', 'partner names, comma-separated (greenlane partners list)')
    .action(async (file: string, flags: CommonFlags & { to: string }) => {
      const content = readAlertFile(file);
      const to = flags.to
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '');
      if (to.length === 0) throw new UsageError('--to names no partner');
      await share(flags, async (inst, actor) => {
        const { alert, itemId } = await inst.alerts.issue(flags.administration, content, to, actor);
        return { itemId, id: alert.id };
      });
    });

  common(alerts.command('list'))
    .description('One JSON line per alert: id, from, status (and reason), newest first')
    .option('--received', 'alerts partners sent (default: this administration’s own)')
    .addOption(new Option('--status <status>', 'only alerts in this status').choices(ALERT_STATUSES))
    .action(async (flags: CommonFlags & { received?: boolean; status?: AlertStatus }) => {
      const items = await withInstallation(installationConfig(flags.db), { log: false }, (inst) =>
        inst.alerts.list(flags.administration, {
          direction: flags.received ? 'received' : 'issued',
          ...(flags.status ? { status: flags.status } : {}),
          limit: 1000,
        }),
      );
      for (const a of items) print(listLine(a));
    });

  sender(alerts.command('amend'))
    .description('Replace the content of an own alert (version + 1); its recipients are told')
    .argument('<id>', 'the alert')
    .argument('<alert.json>', 'the new alert file')
    .action(async (id: string, file: string, flags: CommonFlags) => {
      const content = readAlertFile(file);
      await share(flags, async (inst, actor) =>
        changed(await inst.alerts.amend(flags.administration, id, content, actor)),
      );
    });

  sender(alerts.command('withdraw'))
    .description('Withdraw an own alert (final); its recipients are told')
    .argument('<id>', 'the alert')
    .requiredOption('--reason <text>', 'why (shown to the recipients)')
    .action(async (id: string, flags: CommonFlags & { reason: string }) => {
      await share(flags, async (inst, actor) =>
        changed(await inst.alerts.withdraw(flags.administration, id, flags.reason, actor)),
      );
    });

  sender(alerts.command('feedback'))
    .description('Tell the issuing partner what came of its alert')
    .argument('<id>', 'the received alert')
    .addOption(new Option('--outcome <outcome>', 'what came of it').choices(OUTCOMES).makeOptionMandatory())
    .option('--seizure <id>', 'the seizure report it led to')
    .option('--note <text>', 'a note for the issuing analyst')
    .action(
      async (
        id: string,
        flags: CommonFlags & { outcome: (typeof OUTCOMES)[number]; seizure?: string; note?: string },
      ) => {
        await share(flags, async (inst, actor) => {
          const { feedback, itemId } = await inst.alerts.feedback(
            flags.administration,
            id,
            {
              outcome: flags.outcome,
              ...(flags.seizure ? { seizureId: flags.seizure } : {}),
              ...(flags.note ? { note: flags.note } : {}),
            },
            actor,
          );
          return { itemId, id: feedback.id, alertId: id, outcome: flags.outcome };
        });
      },
    );
}
