import type { Command } from 'commander';
import type { StoredDecision } from '../../../app/ports/decision-records.ts';
import { verifySelection } from '../../../core/decision/decide.ts';
import { StoreError } from '../../../driven/database/store-error.ts';
import {
  openSelectionKeys,
  rotateSelectionKey,
  selectionKeyFile,
} from '../../../driven/selection/selection-keys.ts';
import { defaultDatabaseUrl, installationConfig, stateDir } from '../../../installation/config.ts';
import { withInstallation } from '../../../installation/installation.ts';
import { UsageError } from '../usage-error.ts';

/** What `selection verify` prints per decision: never the key. */
interface DecisionCheck {
  decisionId: string;
  version: number;
  kind: StoredDecision['kind'];
  keyId: string | null;
  draw: number | null;
  recomputed: number | null;
  randomChannel: string | null;
  ok: boolean;
  problems: string[];
}

/**
 * `greenlane selection rotate-key|keys|verify`: the secret key of random selection. The key lives
 * in `stateDir/selection/keys.json` (0600), created at first start; no command prints it.
 */
export function registerSelectionCommand(program: Command): void {
  const selection = program
    .command('selection')
    .description('The secret key of random selection: rotate it, list key ids, re-check stored draws');
  selection
    .command('rotate-key')
    .description(
      'Make a new selection key current and keep the old ones for verification (running servers switch on restart)',
    )
    .action(() => {
      const ring = rotateSelectionKey(stateDir());
      const current = ring.list().find((k) => k.current)!;
      process.stdout.write(`${JSON.stringify(current)}\n`);
      process.stderr.write(
        `greenlane: selection key ${current.id} is now current (${ring.list().length} kept in ${selectionKeyFile(stateDir())}); ` +
          'restart running servers so they draw with it\n',
      );
    });
  selection
    .command('keys')
    .description('List the selection key ids (one JSON line each: id, createdAt, current), never the keys')
    .action(() => {
      for (const key of openSelectionKeys(stateDir()).list())
        process.stdout.write(`${JSON.stringify(key)}\n`);
    });
  selection
    .command('verify')
    .description(
      "Recompute a stored declaration's random draws with the key each decision names; exit 1 on any mismatch",
    )
    .argument('<declaration-id>', 'the declaration whose decisions to check')
    .requiredOption('--administration <id>', 'administration (tenant) of the declaration')
    .option('--db <url>', 'database URL', defaultDatabaseUrl())
    .action(async (declarationId: string, opts: { administration: string; db: string }) => {
      const ring = openSelectionKeys(stateDir());
      let decisions: StoredDecision[];
      try {
        decisions = await withInstallation(
          installationConfig(opts.db),
          { log: false },
          async (inst) => (await inst.store.getDeclaration(opts.administration, declarationId)).decisions,
        );
      } catch (err) {
        if (err instanceof StoreError && err.code === 'NOT_FOUND') throw new UsageError(err.message);
        throw err;
      }
      let failed = 0;
      for (const decision of decisions) {
        const check = checkDecision(opts.administration, decision, ring.get.bind(ring));
        if (!check.ok) failed++;
        process.stdout.write(`${JSON.stringify(check)}\n`);
      }
      process.stderr.write(
        failed === 0
          ? `greenlane: ${decisions.length} decision(s) of ${declarationId}: every draw matches its key\n`
          : `greenlane: ${failed} of ${decisions.length} decision(s) of ${declarationId} do NOT match\n`,
      );
      if (failed > 0) process.exitCode = 1;
    });
}

function checkDecision(
  administration: string,
  decision: StoredDecision,
  keyOf: ReturnType<typeof openSelectionKeys>['get'],
): DecisionCheck {
  const base = {
    decisionId: decision.id,
    version: decision.version,
    kind: decision.kind,
    draw: typeof decision.selection?.draw === 'number' ? decision.selection.draw : null,
  };
  const keyId = typeof decision.selection?.keyId === 'string' ? decision.selection.keyId : null;
  const unchecked = (problem: string): DecisionCheck => ({
    ...base,
    keyId,
    recomputed: null,
    randomChannel: null,
    ok: false,
    problems: [problem],
  });
  if (keyId === null)
    return unchecked('no selection key id: decided before keyed selection, cannot be re-checked');
  const key = keyOf(keyId);
  if (!key) return unchecked(`selection key ${keyId} is not in this installation's key file`);
  const check = verifySelection({ administration, declarationId: decision.declarationId }, decision, key);
  return {
    ...base,
    keyId,
    recomputed: check.draw,
    randomChannel: check.randomChannel ?? null,
    ok: check.ok,
    problems: check.problems,
  };
}
