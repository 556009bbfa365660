import { randomBytes } from 'node:crypto';
import { NOTE_ALG_ED25519, parseSignerKey } from '../../core/ledger/signed-note.ts';
import type { FederationSigner } from '../../core/sharing/envelope.ts';
import { partyName } from '../../core/sharing/shared-fields.ts';
import { loadOrCreateKey } from '../ledger/signing-keys.ts';
import { FederationError } from './federation-error.ts';

/** This installation as its partners know it. */
export interface FederationIdentity {
  /** Its name: the `sender` of everything it shares (`GREENLANE_NAME`, else generated at first start). */
  name: string;
  /** Its Ed25519 HTTP signing key: raw 32 bytes, base64 (also the signature keyid). */
  publicKey: string;
  /** Signs outgoing requests (keyid = publicKey). */
  signer: FederationSigner;
}

/**
 * Loads the installation's federation key from `stateDir/ledger/federation.key` (created owner-only
 * at first use, like the log key). The key file carries a generated name (`greenlane-<hex>`) that
 * stays the installation's name unless `GREENLANE_NAME` gives another.
 */
export function loadFederationIdentity(stateDir: string, nameOverride?: string): FederationIdentity {
  const pair = loadOrCreateKey(
    stateDir,
    'federation.key',
    () => `greenlane-${randomBytes(6).toString('hex')}`,
    NOTE_ALG_ED25519,
  );
  const key = parseSignerKey(pair.privateKey);
  const name = nameOverride ?? key.name;
  const checked = partyName.safeParse(name);
  if (!checked.success)
    throw new FederationError(
      'INVALID_INPUT',
      `GREENLANE_NAME "${name}" ${checked.error.issues[0]?.message ?? 'is not a valid name'}`,
    );
  const publicKey = key.rawPublicKey.toString('base64');
  return { name, publicKey, signer: { keyid: publicKey, privateKey: key.privateKey } };
}
