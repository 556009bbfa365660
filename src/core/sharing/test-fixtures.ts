import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { formatCheckpoint } from '../ledger/checkpoint.ts';
import { MemoryTree } from '../ledger/memory-tree.ts';
import { consistencyProof, inclusionProof, treeRoot } from '../ledger/merkle-proof.ts';
import { generateNoteKey, NOTE_ALG_ED25519, noteSigner, signNote } from '../ledger/signed-note.ts';
import type { ReferenceData } from '../reference/reference-data.ts';
import {
  type EnvelopeKind,
  envelopeRequest,
  type FederationEnvelope,
  type SharedItem,
  sealEnvelope,
  sharedItemLogEntry,
} from './envelope.ts';
import type { HttpMessage } from './http-signature.ts';
import type { SeizureReport, SeizureReportInput } from './seizure.ts';
import { SeizureReportSchema } from './seizure.ts';
import type { TlpCode } from './tlp.ts';
import type { EnvelopeVerdict, PartnerState } from './verify-envelope.ts';

/** Test data shared by the sharing unit tests (no I/O, no clock). */

export function makeSeizure(overrides: Partial<SeizureReportInput> = {}): SeizureReport {
  return SeizureReportSchema.parse({
    id: 'NL-2026-0001',
    administration: 'nl-customs',
    date: '2026-11-30',
    office: 'NL000396',
    direction: 'import',
    category: 'drugs',
    hsCode: '293979',
    goods: 'cocaine hydrochloride in banana boxes',
    quantity: { value: 412.5, unit: 'kg' },
    estimatedValue: { amount: 30_000_000, currency: 'EUR' },
    concealment: 'mixed-with-legitimate-goods',
    detection: 'risk-profile',
    transportMode: 'sea',
    route: { departure: 'EC', transit: ['PA'], destination: 'NL' },
    declarationId: 'D-2026-77',
    persons: [
      {
        role: 'recipient',
        name: 'Jan de Vries',
        dateOfBirth: '1980-04-02',
        nationality: 'NL',
        documentType: 'passport',
        documentNumber: 'NX1234567',
        address: 'Keizersgracht 1, Amsterdam',
      },
    ],
    companies: [{ role: 'consignee', name: 'Fruit Import BV', identifier: 'NL123456789', country: 'NL' }],
    notes: 'Driver Piet Jansen called the consignee twice during the inspection.',
    ...overrides,
  });
}

/** A fresh Ed25519 key pair (node:crypto), for signing tests. */
export function ed25519Pair(): { privateKey: KeyObject; publicKey: KeyObject; raw: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return { privateKey, publicKey, raw };
}

/** Reference data with nothing loaded: enough for criteria that need no HS or regulatory table. */
export const EMPTY_REFERENCE: ReferenceData = {
  hs: {
    '2022': { edition: '2022', subheadings: new Map(), headings: new Map(), chapters: new Map() },
    '2017': { edition: '2017', subheadings: new Map(), headings: new Map(), chapters: new Map() },
  },
  countries: new Map(),
  currencies: new Set(),
  locodes: new Set(),
  regulatory: new Map(),
  version: 'empty',
};

/** A sender installation for federation tests: a log in memory, its note key, its HTTP key. */
export class TestSender {
  readonly tree = new MemoryTree();
  readonly note: { privateKey: string; verifierKey: string };
  readonly http = ed25519Pair();
  readonly keyid: string;
  private seq = 0;

  constructor(readonly name: string) {
    this.note = generateNoteKey(name, NOTE_ALG_ED25519);
    this.keyid = `${name}#1`;
  }

  /** Appends an item's entry (and `extra` unrelated entries after it) and returns it with its salt. */
  share(
    kind: EnvelopeKind,
    body: unknown,
    options: { handling?: TlpCode; originator?: string; itemId?: string; seq?: number } = {},
  ): { item: SharedItem; salt: Buffer; index: number } {
    this.seq = options.seq ?? this.seq + 1;
    const item: SharedItem = {
      itemId: options.itemId ?? `${this.name}:item-${this.seq}`,
      sender: this.name,
      kind,
      seq: this.seq,
      handling: options.handling ?? 'AMBER',
      originator: options.originator ?? this.name,
      body,
    };
    const salt = createHash('sha256').update(`salt-${this.name}-${this.seq}-${this.tree.size}`).digest();
    const index = this.tree.size;
    this.tree.appendEntries([sharedItemLogEntry(item, salt)]);
    return { item, salt, index };
  }

  /** Appends an unrelated entry (other records of the log). */
  appendOther(text: string): void {
    this.tree.appendEntries([Buffer.from(text)]);
  }

  async checkpoint(size = this.tree.size): Promise<string> {
    const rootHash = await treeRoot(this.tree, size);
    return signNote(formatCheckpoint({ origin: this.name, size, rootHash, extensions: [] }), [
      noteSigner(this.note.privateKey),
    ]);
  }

  /** Seals and signs the request delivering an item at the log's current size. */
  async deliver(
    shared: { item: SharedItem; salt: Buffer; index: number },
    options: {
      to?: string;
      lastSeenSize?: number;
      created?: number;
      nonce?: string;
      signer?: { keyid: string; privateKey: KeyObject };
      /** The log key the envelope names (default the sender's; null for none). */
      logKey?: string | null;
    } = {},
  ): Promise<{ request: HttpMessage; body: Buffer; envelope: FederationEnvelope }> {
    const size = this.tree.size;
    const envelope = sealEnvelope(shared.item, shared.salt, {
      logIndex: shared.index,
      inclusionProof: await inclusionProof(this.tree, shared.index, size),
      checkpoint: await this.checkpoint(size),
      ...(options.lastSeenSize === undefined || options.lastSeenSize === size
        ? {}
        : {
            consistencyProof: {
              fromSize: options.lastSeenSize,
              hashes: await consistencyProof(this.tree, options.lastSeenSize, size),
            },
          }),
      ...(options.logKey === null ? {} : { logKey: options.logKey ?? this.note.verifierKey }),
    });
    const { message, body } = envelopeRequest(
      envelope,
      { inboxUrl: options.to ?? 'https://b.example/v1/federation/inbox' },
      options.signer ?? { keyid: this.keyid, privateKey: this.http.privateKey },
      options.created ?? FED_NOW_SECONDS,
      options.nonce ?? `nonce-${this.name}-${shared.item.seq}-${Math.random().toString(36).slice(2)}`,
    );
    return { request: message, body, envelope };
  }
}

/** The receiver's clock in federation tests. */
export const FED_NOW_SECONDS = 1_796_000_000;

/** A receiver's memory of one partner; `apply` does what the adapter's transaction would. */
export class MemoryPartner implements PartnerState {
  lastSeq = 0;
  lastCheckpoint: { size: number; rootHash: Buffer } | undefined;
  readonly items = new Map<string, string>();
  readonly nonces = new Set<string>();
  readonly keys: ReadonlyMap<string, KeyObject>;
  logVerifierKey: string | undefined;
  readonly name: string;

  /** @param pinned whether the receiver already knows the sender's log key (default yes) */
  constructor(sender: TestSender, pinned = true) {
    this.name = sender.name;
    this.keys = new Map([[sender.keyid, sender.http.publicKey]]);
    this.logVerifierKey = pinned ? sender.note.verifierKey : undefined;
  }
  seenItem(itemId: string): string | undefined {
    return this.items.get(itemId);
  }
  seenNonce(nonce: string): boolean {
    return this.nonces.has(nonce);
  }
  apply(verdict: EnvelopeVerdict): void {
    if (!verdict.accepted) return;
    if (verdict.duplicate) {
      this.nonces.add(verdict.nonce);
      return;
    }
    const a = verdict.advance;
    this.lastSeq = a.lastSeq;
    this.lastCheckpoint = a.lastCheckpoint;
    this.items.set(a.itemId, a.itemCommitment);
    this.nonces.add(a.nonce);
    this.logVerifierKey ??= a.logVerifierKey;
  }
}
