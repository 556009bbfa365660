import type { Kysely } from 'kysely';
import type { AssessmentLine } from '../app/assess.ts';
import type { DeclarationBus } from '../app/ports/declaration-bus.ts';
import type { InputRecord } from '../app/ports/input-record.ts';
import { contentHash } from '../core/declaration/content-hash.ts';
import type { Database } from '../driven/database/schema.ts';
import { streamSource, versionDecisions } from '../driven/store/intake-reads.ts';

/** Where one submitted record stands (`POST /v1/declarations` through the bus, `GET /v1/submissions/{trackingId}`). */
export interface Submission {
  /** 1-based position in the request (absent when read back by tracking id). */
  record?: number;
  /** The intake stream sequence of its message: what `GET /v1/submissions/{trackingId}` takes. */
  trackingId?: string;
  declarationId?: string;
  status: 'pending' | 'decided' | 'rejected';
  /** The decision (or the reasons of the reject) once there is one. */
  result?: AssessmentLine;
}

export interface BusIntakeOptions {
  bus: DeclarationBus;
  db: Kysely<Database>;
  /** The intake stream's name (stored versions record `stream:<stream>@<sequence>`). */
  stream: string;
}

/** A decision or reject as the results stream carries it (docs/SCALING.md, "Results stream"). */
interface ResultMessage {
  type: 'decision' | 'reject';
  intakeSequence: number;
  declarationId?: string;
  version?: number;
  status?: 'created' | 'amended' | 'unchanged';
  channel?: string;
  score?: number;
  summary?: string;
  reasons?: Array<{ source: string; code: string; message: string }>;
  decidedAt?: string;
  errors?: Array<{ path: string; code: string; message: string }>;
}

function lineOf(result: ResultMessage, record: number): AssessmentLine {
  if (result.type === 'reject')
    return {
      rejected: true,
      record,
      ...(result.declarationId ? { declarationId: result.declarationId } : {}),
      errors: (result.errors ?? []) as Extract<AssessmentLine, { rejected: true }>['errors'],
    };
  return {
    declarationId: result.declarationId!,
    version: result.version!,
    status: result.status!,
    channel: result.channel as Extract<AssessmentLine, { channel: unknown }>['channel'],
    score: result.score!,
    summary: result.summary ?? '',
    reasons: (result.reasons ?? []) as Extract<AssessmentLine, { channel: unknown }>['reasons'],
    decidedAt: result.decidedAt!,
  };
}

const idOf = (value: unknown): string | undefined =>
  value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string'
    ? (value as { id: string }).id
    : undefined;

/**
 * `POST /v1/declarations` through the bus (issue 14): an API server that runs with a NATS URL puts
 * each record on the intake stream, as `greenlane publish` does, and the workers decide it. The
 * caller may wait for the decisions (they come back on the results stream, matched by intake
 * sequence) or take the tracking ids and ask later; a tracking id is read back from what the
 * workers stored (`stream:<stream>@<sequence>` on the version or reject), from the stream (the
 * message's administration: another administration's id is unknown), and from the partition's
 * acknowledgement floor (acknowledged without a new version: an unchanged resubmission).
 *
 * @example
 * const intake = busIntake({ bus, db: conn.db, stream: 'GREENLANE' });
 * const submissions = await intake.submit('NL', records, { source: 'api:key-1', waitMs: 5000 });
 */
export function busIntake(options: BusIntakeOptions) {
  const { bus, db, stream } = options;

  /** The stored outcome of intake messages by sequence: a version's decision or a reject. */
  async function stored(administration: string, sequences: readonly number[]) {
    const out = new Map<number, AssessmentLine>();
    if (sequences.length === 0) return out;
    const sources = sequences.map((s) => streamSource(stream, s));
    const [versions, rejects] = await Promise.all([
      db
        .selectFrom('declaration_versions')
        .select(['declaration_id', 'version', 'source'])
        .where('administration', '=', administration)
        .where('source', 'in', sources)
        .execute(),
      db
        .selectFrom('rejects')
        .select(['source', 'declaration_id', 'errors'])
        .where('administration', '=', administration)
        .where('source', 'in', sources)
        .execute(),
    ]);
    const seqOf = (source: string) => Number(source.slice(source.lastIndexOf('@') + 1));
    const decisions = await versionDecisions(
      db,
      administration,
      versions.map((v) => ({ declarationId: v.declaration_id, version: Number(v.version) })),
    );
    const byKey = new Map(decisions.map((d) => [`${d.declarationId}\u0000${d.version}`, d]));
    for (const v of versions) {
      const d = byKey.get(`${v.declaration_id}\u0000${Number(v.version)}`);
      if (!d) continue;
      const { decisionId: _id, ...line } = d;
      out.set(seqOf(v.source), {
        ...line,
        status: d.version === 1 ? 'created' : 'amended',
      } as AssessmentLine);
    }
    for (const r of rejects)
      out.set(
        seqOf(r.source),
        lineOf(
          {
            type: 'reject',
            intakeSequence: seqOf(r.source),
            ...(r.declaration_id ? { declarationId: r.declaration_id } : {}),
            errors: JSON.parse(r.errors),
          },
          1,
        ),
      );
    return out;
  }

  return {
    /**
     * Publishes each readable record (a record its reader could not read is rejected here, as by
     * `greenlane publish`) and waits up to `waitMs` for their decisions. One submission per
     * record, in order: `decided` or `rejected` with its line, or `pending` with its tracking id.
     */
    async submit(
      administration: string,
      records: readonly InputRecord[],
      opts: { source: string; waitMs: number },
    ): Promise<Submission[]> {
      const submissions: Submission[] = records.map((rec) => ({ record: rec.record, status: 'pending' }));
      const waiting = new Map<number, number[]>();
      let settle: () => void = () => undefined;
      const allIn = new Promise<void>((resolve) => {
        settle = resolve;
      });
      const decide = (sequence: number, line: (record: number) => AssessmentLine) => {
        for (const at of waiting.get(sequence) ?? []) {
          const s = submissions[at]!;
          const result = line(s.record!);
          submissions[at] = { ...s, status: 'rejected' in result ? 'rejected' : 'decided', result };
        }
        waiting.delete(sequence);
        if (waiting.size === 0) settle();
      };
      // Listening before publishing: a decision cannot come back before it is listened for.
      const stop =
        opts.waitMs > 0
          ? bus.onResults(administration, (body) => {
              const result = JSON.parse(body) as ResultMessage;
              if (waiting.has(result.intakeSequence))
                decide(result.intakeSequence, (record) => lineOf(result, record));
            })
          : () => undefined;
      try {
        await Promise.all(
          records.map(async (rec, at) => {
            const s = submissions[at]!;
            if (rec.errors || rec.value === undefined) {
              submissions[at] = {
                ...s,
                status: 'rejected',
                result: {
                  rejected: true,
                  record: rec.record,
                  ...(rec.declarationId ? { declarationId: rec.declarationId } : {}),
                  errors: rec.errors ?? [],
                },
              };
              return;
            }
            const hash = contentHash(rec.value);
            const declarationId = idOf(rec.value);
            const ack = await bus.publishDeclaration({
              administration,
              declarationId: declarationId ?? hash,
              body: JSON.stringify(rec.value),
              messageId: `${administration}/${hash}`,
              source: opts.source,
            });
            submissions[at] = {
              ...s,
              trackingId: String(ack.sequence),
              ...(declarationId ? { declarationId } : {}),
            };
            waiting.set(ack.sequence, [...(waiting.get(ack.sequence) ?? []), at]);
          }),
        );
        if (opts.waitMs > 0 && waiting.size > 0) {
          // A duplicate of a message already decided (the bus dropped it) has its decision stored.
          for (const [sequence, line] of await stored(administration, [...waiting.keys()]))
            if (waiting.has(sequence)) decide(sequence, (record) => ({ ...line, record }) as AssessmentLine);
          if (waiting.size > 0) {
            let timer: NodeJS.Timeout | undefined;
            await Promise.race([
              allIn,
              new Promise<void>((resolve) => {
                timer = setTimeout(resolve, opts.waitMs);
              }),
            ]);
            clearTimeout(timer);
          }
        }
      } finally {
        stop();
      }
      return submissions;
    },

    /** A submission by tracking id, or undefined when the administration has no such submission. */
    async track(administration: string, trackingId: string): Promise<Submission | undefined> {
      const sequence = Number(trackingId);
      if (!/^[1-9]\d{0,15}$/.test(trackingId) || !Number.isSafeInteger(sequence)) return undefined;
      const message = await bus.intakeAt(sequence).catch(() => undefined);
      // The acknowledgement floor is read before the store: a worker commits before it
      // acknowledges, so a message acknowledged by then has its version visible to the read after.
      // Read the other way round, a commit and acknowledgement between the two reads would make a
      // new version look like an unchanged resubmission.
      const acknowledged =
        message !== undefined && (await bus.acknowledgedThrough(message.partition)) >= sequence;
      const line = (await stored(administration, [sequence])).get(sequence);
      if (line) {
        const declarationId = 'rejected' in line ? line.declarationId : line.declarationId;
        const { record: _r, ...result } = line as AssessmentLine & { record?: number };
        return {
          trackingId,
          ...(declarationId ? { declarationId } : {}),
          status: 'rejected' in line ? 'rejected' : 'decided',
          result: result as AssessmentLine,
        };
      }
      if (!message || message.administration !== administration) return undefined;
      let declarationId: string | undefined;
      try {
        declarationId = idOf(JSON.parse(message.body));
      } catch {
        declarationId = undefined;
      }
      const base = { trackingId, ...(declarationId ? { declarationId } : {}) };
      if (!acknowledged || !declarationId) return { ...base, status: 'pending' };
      // Acknowledged and nothing stored from it: the same content as the version in force.
      const head = await db
        .selectFrom('declarations')
        .select('current_version')
        .where('administration', '=', administration)
        .where('id', '=', declarationId)
        .executeTakeFirst();
      if (!head) return { ...base, status: 'pending' };
      const [decision] = await versionDecisions(db, administration, [
        { declarationId, version: Number(head.current_version) },
      ]);
      if (!decision) return { ...base, status: 'pending' };
      const { decisionId: _id, ...current } = decision;
      return { ...base, status: 'decided', result: { ...current, status: 'unchanged' } as AssessmentLine };
    },
  };
}

export type BusIntake = ReturnType<typeof busIntake>;
