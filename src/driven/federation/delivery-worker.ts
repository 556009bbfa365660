import type { StoreConnection } from '../database/database.ts';
import { pullFeed } from './feed.ts';
import { type FederationInbox, pruneNonces, REFUSAL_CODES } from './inbox.ts';
import type { PartnerStore } from './partner-store.ts';
import { requestJson, type Sealer } from './sealer.ts';

export interface DeliveryWorkerOptions {
  conn: StoreConnection;
  partners: PartnerStore;
  sealer: Sealer;
  /** For pulling partners' feeds through the same verification as pushed envelopes. */
  inbox: FederationInbox;
  fetch?: typeof fetch;
  /** How often the outbox and the pull sources are looked at (default 250 ms). */
  intervalMs?: number;
  /** First retry delay after a failed push (default 500 ms), doubled per attempt up to `maxBackoffMs`. */
  backoffMs?: number;
  /** Longest retry delay (default 30 s). */
  maxBackoffMs?: number;
  /** Per-request timeout (default 10 s). */
  requestTimeoutMs?: number;
  /** Background failures (a partner down, a feed unreachable). */
  onError?: (err: unknown, partner: string) => void;
}

/**
 * Delivers the outbox and pulls the feeds, in the background of `greenlane serve`. Per partner, in
 * seq order: seal and sign the oldest pending delivery, POST it to the partner's inbox; accepted
 * or duplicate → delivered (and the checkpoint size it was sealed with becomes the partner's
 * acknowledged size); refused with a refusal code → refused with the partner's reason, never
 * retried; anything else (network error, 5xx, 429) → retried after a capped exponential backoff,
 * and the partner's later items wait (order per sender). Partners added with `--pull` are served
 * by the feed instead; partners added with `--pull-from` are polled.
 */
export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private lastPrune = 0;
  /** Pull sources that failed: not polled again before this time. */
  private readonly pullBackoff = new Map<string, { until: number; failures: number }>();

  constructor(private readonly options: DeliveryWorkerOptions) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.intervalMs ?? 250);
    this.timer.unref();
    this.kick();
  }

  /** Looks at the outbox now (after a share, say) instead of at the next tick. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.tick().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Stops the timer and waits for the round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    while (this.running) await this.running;
  }

  /** One round: every push partner's queue and every pull source (exposed for tests). */
  async tick(): Promise<void> {
    const { conn, partners } = this.options;
    try {
      const queued = await conn.db
        .selectFrom('federation_deliveries as d')
        .innerJoin('federation_partners as p', 'p.name', 'd.partner')
        .select('d.partner')
        .distinct()
        .where('d.state', '=', 'pending')
        .where('p.pull', '=', 0)
        .execute();
      const sources = await partners.pullSources();
      await Promise.all([
        ...queued.map((q) => this.pushQueue(q.partner)),
        ...sources.map((s) => this.pull(s.name)),
      ]);
      if (Date.now() - this.lastPrune > 60_000) {
        this.lastPrune = Date.now();
        await pruneNonces(conn);
      }
    } catch (err) {
      this.options.onError?.(err, '');
    }
  }

  private async pull(name: string): Promise<void> {
    const backoff = this.pullBackoff.get(name);
    if (backoff && backoff.until > Date.now()) return;
    try {
      await pullFeed({ ...this.options }, name);
      this.pullBackoff.delete(name);
    } catch (err) {
      const failures = (backoff?.failures ?? 0) + 1;
      this.pullBackoff.set(name, { until: Date.now() + this.delay(failures), failures });
      this.options.onError?.(err, name);
    }
  }

  private delay(attempts: number): number {
    const base = this.options.backoffMs ?? 500;
    return Math.min(this.options.maxBackoffMs ?? 30_000, base * 2 ** Math.max(0, attempts - 1));
  }

  /** Sends one partner's pending deliveries in seq order until one must wait. */
  private async pushQueue(name: string): Promise<void> {
    const { conn, partners, sealer } = this.options;
    for (;;) {
      if (this.stopped) return;
      const next = await conn.db
        .selectFrom('federation_deliveries')
        .selectAll()
        .where('partner', '=', name)
        .where('state', '=', 'pending')
        .orderBy('seq')
        .limit(1)
        .executeTakeFirst();
      if (!next || next.next_attempt_at > new Date().toISOString()) return;
      const partner = await partners.row(name);
      if (!partner || Number(partner.pull) === 1) return;
      const sealed = await sealer.seal(
        next.item_id,
        partner,
        partner.acked_size === null ? null : Number(partner.acked_size),
      );
      if (!sealed) return;
      const request = requestJson(sealed);
      const where = { item: next.item_id, partner: name };
      let outcome: Outcome;
      try {
        const res = await (this.options.fetch ?? fetch)(request.url, {
          method: 'POST',
          headers: request.headers,
          body: sealed.body,
          signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000),
        });
        outcome = await classify(res);
      } catch (err) {
        outcome = { kind: 'retry', error: `${(err as Error).message}${causeText(err)}` };
      }
      const now = new Date().toISOString();
      const base = conn.db
        .updateTable('federation_deliveries')
        .where('item_id', '=', where.item)
        .where('partner', '=', where.partner)
        .where('state', '=', 'pending');
      if (outcome.kind === 'retry') {
        const attempts = Number(next.attempts) + 1;
        await base
          .set({
            attempts,
            next_attempt_at: new Date(Date.now() + this.delay(attempts)).toISOString(),
            last_error: outcome.error.slice(0, 2000),
            request: JSON.stringify(request),
          })
          .execute();
        this.options.onError?.(new Error(`delivery of ${where.item} to ${name}: ${outcome.error}`), name);
        return;
      }
      await base
        .set({
          state: outcome.kind,
          attempts: Number(next.attempts) + 1,
          delivered_at: now,
          last_error: outcome.reason?.slice(0, 2000) ?? null,
          request: JSON.stringify(request),
        })
        .execute();
      if (outcome.witnessedSize !== undefined) {
        // The size of this log's checkpoint the partner now holds: the next consistency proof starts there.
        await conn.db
          .updateTable('federation_partners')
          .set({ acked_size: outcome.witnessedSize })
          .where('name', '=', name)
          .execute();
      }
    }
  }
}

type Outcome =
  | { kind: 'delivered' | 'refused'; reason?: string; witnessedSize?: number | null }
  | { kind: 'retry'; error: string };

/** What a partner's answer means for the delivery. */
async function classify(res: Response): Promise<Outcome> {
  const text = await res.text();
  let json: {
    status?: unknown;
    reason?: unknown;
    witnessedSize?: unknown;
    error?: { code?: unknown; message?: unknown };
  } = {};
  try {
    json = JSON.parse(text);
  } catch {
    json = {};
  }
  if (res.ok) {
    // Accepted, duplicate, or valid but refused by the partner's capability (it recorded it).
    const w = json.witnessedSize;
    const witnessed =
      w === null || (typeof w === 'number' && Number.isSafeInteger(w) && w > 0) ? { witnessedSize: w } : {};
    if (json.status === 'refused')
      return { kind: 'refused', reason: `refused by the partner: ${String(json.reason)}`, ...witnessed };
    return { kind: 'delivered', ...witnessed };
  }
  const code = json.error?.code;
  if (res.status >= 400 && res.status < 500 && REFUSAL_CODES.includes(code as never))
    return { kind: 'refused', reason: `${String(code)}: ${String(json.error?.message)}` };
  return { kind: 'retry', error: `HTTP ${res.status}: ${text.slice(0, 300)}` };
}

function causeText(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause ? ` (${cause.code ?? cause.message ?? ''})` : '';
}
