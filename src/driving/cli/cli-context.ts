import type { SharingOptions } from '../../installation/installation.ts';

/**
 * What the `greenlane` commands are run with beyond their arguments: how this build shares with
 * partners. `main(argv)` runs without it until the federation outbox is wired in, so commands
 * that send (`alerts issue|amend|withdraw|feedback`) say sharing is unavailable; tests pass a
 * recording outbox.
 */
export interface CliContext {
  sharing?: SharingOptions;
}
