import type { Kysely } from 'kysely';
import type { Database } from '../database/schema.ts';

/** The `source` a stored version or reject gets from intake message `sequence` of `stream`. */
export const streamSource = (stream: string, sequence: number) => `stream:${stream}@${sequence}`;

const CHUNK = 500;

function sequenceOf(source: string, prefix: string): number | undefined {
  if (!source.startsWith(prefix)) return undefined;
  const n = Number(source.slice(prefix.length));
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * What the store already holds of intake messages: the sequence check that makes a redelivered
 * message a no-op and keeps an old amendment from landing on a newer one. A version stored from a
 * message carries `stream:<stream>@<sequence>` as its source, in the same transaction as its
 * decision, so "applied" is exactly what was committed.
 */
export class IntakeReads {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * The intake messages stored as versions of each id: sequence → version (ids never stored from
   * the stream are absent).
   */
  async appliedSequences(
    admin: string,
    stream: string,
    ids: readonly string[],
  ): Promise<Map<string, Map<number, number>>> {
    const prefix = streamSource(stream, 0).slice(0, -1);
    const out = new Map<string, Map<number, number>>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('declaration_versions')
        .select(['declaration_id', 'source', 'version'])
        .where('administration', '=', admin)
        .where('declaration_id', 'in', unique.slice(i, i + CHUNK))
        .where('source', 'like', `${prefix}%`)
        .execute();
      for (const r of rows) {
        const seq = sequenceOf(r.source, prefix);
        if (seq === undefined) continue;
        const versions = out.get(r.declaration_id) ?? new Map<number, number>();
        out.set(r.declaration_id, versions);
        versions.set(seq, Number(r.version));
      }
    }
    return out;
  }

  /** Which of `sources` (one per message) already have a stored reject. */
  async rejectedSources(admin: string, sources: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < sources.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('rejects')
        .select('source')
        .where('administration', '=', admin)
        .where('source', 'in', sources.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.add(r.source);
    }
    return out;
  }

  /**
   * Each declaration's current decision with its version and log index (null while the sequencer
   * has not appended it yet), by administration and id: `greenlane decisions export`.
   */
  async *currentDecisions(
    admin?: string,
    pageSize = 5000,
  ): AsyncGenerator<{
    administration: string;
    declarationId: string;
    version: number;
    channel: string;
    decisionId: string;
    decidedAt: string;
    logIndex: number | null;
  }> {
    let after: { administration: string; id: string } | undefined;
    for (;;) {
      let q = this.db
        .selectFrom('declarations as d')
        .innerJoin('decisions as c', 'c.id', 'd.current_decision_id')
        .select([
          'd.administration',
          'd.id',
          'c.version',
          'c.channel',
          'c.id as decisionId',
          'c.decided_at',
          'c.log_index',
        ])
        .orderBy('d.administration')
        .orderBy('d.id')
        .limit(pageSize);
      if (admin !== undefined) q = q.where('d.administration', '=', admin);
      if (after) {
        const a = after;
        q = q.where((eb) =>
          eb.or([
            eb('d.administration', '>', a.administration),
            eb.and([eb('d.administration', '=', a.administration), eb('d.id', '>', a.id)]),
          ]),
        );
      }
      const rows = await q.execute();
      for (const r of rows)
        yield {
          administration: r.administration,
          declarationId: r.id,
          version: Number(r.version),
          channel: r.channel,
          decisionId: r.decisionId,
          decidedAt: r.decided_at,
          logIndex: r.log_index === null ? null : Number(r.log_index),
        };
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1]!;
      after = { administration: last.administration, id: last.id };
    }
  }
}

/** A stored automatic decision of one version, as the results stream carries it. */
export interface VersionDecision {
  declarationId: string;
  version: number;
  decisionId: string;
  channel: string;
  score: number;
  summary: string;
  reasons: Array<{ source: string; code: string; message: string }>;
  decidedAt: string;
}

/** The automatic decisions of (id, version) pairs: what a redelivered, already applied message republishes. */
export async function versionDecisions(
  db: Kysely<Database>,
  admin: string,
  pairs: ReadonlyArray<{ declarationId: string; version: number }>,
): Promise<VersionDecision[]> {
  const out: VersionDecision[] = [];
  const wanted = new Set(pairs.map((p) => `${p.declarationId}\u0000${p.version}`));
  const ids = [...new Set(pairs.map((p) => p.declarationId))];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom('decisions')
      .select(['id', 'declaration_id', 'version', 'channel', 'score', 'explanation', 'decided_at'])
      .where('administration', '=', admin)
      .where('declaration_id', 'in', ids.slice(i, i + CHUNK))
      .where('kind', '=', 'auto')
      .execute();
    for (const r of rows) {
      if (!wanted.has(`${r.declaration_id}\u0000${r.version}`)) continue;
      const explanation = JSON.parse(r.explanation) as {
        summary?: string;
        signals?: Array<{ source: string; code: string; message: string }>;
      };
      out.push({
        declarationId: r.declaration_id,
        version: Number(r.version),
        decisionId: r.id,
        channel: r.channel,
        score: Number(r.score),
        summary: explanation.summary ?? '',
        reasons: (explanation.signals ?? []).map((s) => ({
          source: s.source,
          code: s.code,
          message: s.message,
        })),
        decidedAt: r.decided_at,
      });
    }
  }
  return out;
}
