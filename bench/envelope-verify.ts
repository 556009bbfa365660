/**
 * The core of federation receipt, measured on one core: `verifyEnvelope` over a pre-signed stream
 * of alert envelopes, the partner state kept in memory; no network, no database. Shared by
 * `bench:sharing-verify` (this figure alone) and `bench:sharing` (with the end-to-end figures).
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { formatCheckpoint } from '../src/core/ledger/checkpoint.ts';
import { MemoryTree } from '../src/core/ledger/memory-tree.ts';
import { consistencyProof, inclusionProof, treeRoot } from '../src/core/ledger/merkle-proof.ts';
import { generateNoteKey, NOTE_ALG_ED25519, noteSigner, signNote } from '../src/core/ledger/signed-note.ts';
import {
  envelopeRequest,
  type SharedItem,
  sealEnvelope,
  sharedItemLogEntry,
} from '../src/core/sharing/envelope.ts';
import type { HttpMessage } from '../src/core/sharing/http-signature.ts';
import {
  type PartnerAdvance,
  type PartnerState,
  verifyEnvelope,
} from '../src/core/sharing/verify-envelope.ts';
import { median } from './report.ts';

export interface VerifyOptions {
  /** Envelopes per run. */
  envelopes: number;
  /** Unrelated entries already in the sender's log, so proofs have the length they have in a log in service. */
  logSize: number;
  /** Items per checkpoint: each batch is sealed with a new checkpoint and a consistency proof from the previous one. */
  batch: number;
  /** Runs; report medians. */
  runs: number;
}

/** The options from `BENCH_ENVELOPES`, `BENCH_LOG_SIZE`, `BENCH_BATCH`, `BENCH_RUNS` (defaults 5000, 100000, 50, 5). */
export function verifyOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): VerifyOptions {
  return {
    envelopes: Number(env.BENCH_ENVELOPES ?? 5000),
    logSize: Number(env.BENCH_LOG_SIZE ?? 100_000),
    batch: Number(env.BENCH_BATCH ?? 50),
    runs: Number(env.BENCH_RUNS ?? 5),
  };
}

export interface VerifyResult {
  options: VerifyOptions;
  /** Entries in the sender's log once the stream is built. */
  logEntries: number;
  meanBodyBytes: number;
  buildSeconds: number;
  /** Per run: envelopes verified and accepted per second of wall clock and per CPU-second. */
  wallRates: number[];
  cpuRates: number[];
  medianWall: number;
  medianCpu: number;
}

const SENDER = 'a.example';
const KEYID = `${SENDER}#1`;

/** A realistic alert body (about 1 KB of JSON), different per item. */
function alertBody(i: number) {
  return {
    alertId: `${SENDER}:alert-${i}`,
    version: 1,
    content: {
      title: `Falsified medicaments from IN, wave ${i}`,
      reason:
        'Falsified tablets found in three consignments from this exporter since October; the packaging imitates a registered brand.',
      instructions:
        'Sample the tablets; check batch numbers and GS1 codes against the manufacturer register; keep the cold chain.',
      handling: 'AMBER',
      validUntil: '2027-06-30',
      criteria: {
        all: [
          { hsPrefix: ['3004', '300241'] },
          { originCountry: ['IN', 'CN'] },
          { routeIncludes: ['AE', 'OM'] },
          { party: { role: ['exporter'], id: [`IN-EXP-${i}`] } },
        ],
      },
      containers: ['CSQU3054383'],
      vessels: ['9074729'],
      minChannel: 'red',
      weight: 100,
    },
  };
}

async function buildStream(options: VerifyOptions): Promise<{
  requests: Array<{ request: HttpMessage; body: Buffer }>;
  partner: () => PartnerState & {
    apply(a: PartnerAdvance): void;
  };
}> {
  const tree = new MemoryTree();
  const note = generateNoteKey(SENDER, NOTE_ALG_ED25519);
  const signer = noteSigner(note.privateKey);
  const http = generateKeyPairSync('ed25519');
  for (let i = 0; i < options.logSize; i++)
    tree.appendLeafHash(createHash('sha256').update(`entry-${i}`).digest());
  const created = Math.floor(Date.now() / 1000);
  const requests: Array<{ request: HttpMessage; body: Buffer }> = [];
  let previousSize: number | undefined;
  for (let start = 0; start < options.envelopes; start += options.batch) {
    const batch: Array<{ item: SharedItem; salt: Buffer; index: number }> = [];
    for (let seq = start + 1; seq <= Math.min(start + options.batch, options.envelopes); seq++) {
      const item: SharedItem = {
        itemId: `${SENDER}:item-${seq}`,
        sender: SENDER,
        kind: 'alert',
        seq,
        handling: 'AMBER',
        originator: SENDER,
        body: alertBody(seq),
      };
      const salt = randomBytes(32);
      batch.push({ item, salt, index: tree.size });
      tree.appendEntries([sharedItemLogEntry(item, salt)]);
      // Other records of the sender's log between shared items.
      tree.appendLeafHash(createHash('sha256').update(`decision-${seq}`).digest());
    }
    const size = tree.size;
    const rootHash = await treeRoot(tree, size);
    const checkpoint = signNote(formatCheckpoint({ origin: SENDER, size, rootHash, extensions: [] }), [
      signer,
    ]);
    const consistency =
      previousSize === undefined
        ? undefined
        : { fromSize: previousSize, hashes: await consistencyProof(tree, previousSize, size) };
    for (const shared of batch) {
      const envelope = sealEnvelope(shared.item, shared.salt, {
        logIndex: shared.index,
        inclusionProof: await inclusionProof(tree, shared.index, size),
        checkpoint,
        ...(consistency ? { consistencyProof: consistency } : {}),
      });
      const { message, body } = envelopeRequest(
        envelope,
        { inboxUrl: 'https://b.example/v1/federation/inbox' },
        { keyid: KEYID, privateKey: http.privateKey },
        created,
        randomBytes(16).toString('base64url'),
      );
      requests.push({ request: message, body });
    }
    previousSize = size;
  }
  const keys = new Map<string, KeyObject>([[KEYID, http.publicKey]]);
  const partner = () => {
    const items = new Map<string, string>();
    const nonces = new Set<string>();
    const state = {
      name: SENDER,
      keys,
      logVerifierKey: note.verifierKey,
      lastSeq: 0,
      lastCheckpoint: undefined as { size: number; rootHash: Buffer } | undefined,
      seenItem: (id: string) => items.get(id),
      seenNonce: (n: string) => nonces.has(n),
      apply(a: PartnerAdvance) {
        state.lastSeq = a.lastSeq;
        state.lastCheckpoint = a.lastCheckpoint;
        items.set(a.itemId, a.itemCommitment);
        nonces.add(a.nonce);
      },
    };
    return state;
  };
  return { requests, partner };
}

/**
 * Builds the stream once, then verifies and accepts all of it `runs` times, each against a fresh
 * partner state. The machine is shared: wall-clock rates fall with the load, so the figure that
 * answers "on one core" is per CPU-second of this (single-threaded) loop, from process.cpuUsage().
 */
export async function measureVerification(
  options: VerifyOptions,
  progress: (line: string) => void = () => {},
): Promise<VerifyResult> {
  const t0 = performance.now();
  const { requests, partner } = await buildStream(options);
  const buildSeconds = (performance.now() - t0) / 1000;
  const meanBodyBytes = Math.round(requests.reduce((s, r) => s + r.body.length, 0) / requests.length);
  const logEntries = options.logSize + 2 * options.envelopes;
  progress(
    `built ${requests.length} signed envelopes over a log of ${logEntries} entries in ${buildSeconds.toFixed(1)} s (mean body ${meanBodyBytes} bytes)`,
  );
  const wallRates: number[] = [];
  const cpuRates: number[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const state = partner();
    const now = Date.now();
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (const { request, body } of requests) {
      const verdict = verifyEnvelope({ request, body, now, authority: 'b.example' }, state);
      if (!verdict.accepted || verdict.duplicate) {
        throw new Error(
          `envelope refused: ${verdict.accepted ? 'duplicate' : `${verdict.code} ${verdict.reason}`}`,
        );
      }
      state.apply(verdict.advance);
    }
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    wallRates.push(requests.length / seconds);
    cpuRates.push(requests.length / cpuSeconds);
    progress(
      `run ${run}: ${requests.length} verified and accepted in ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} CPU-s: ` +
        `${Math.round(requests.length / seconds)}/s wall, ${Math.round(requests.length / cpuSeconds)}/CPU-s`,
    );
  }
  return {
    options,
    logEntries,
    meanBodyBytes,
    buildSeconds,
    wallRates,
    cpuRates,
    medianWall: median(wallRates),
    medianCpu: median(cpuRates),
  };
}
