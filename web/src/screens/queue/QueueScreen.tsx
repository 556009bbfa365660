import { infiniteQueryOptions, type QueryClient, useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { getJson, query } from '../../api/client.ts';
import type { Page, QueueEntry } from '../../api/types.ts';
import { formatDateTime, formatNumber } from '../../i18n/i18n.ts';
import { ChannelChip, ErrorMessage } from '../common.tsx';

const PAGE_SIZE = 200;
const ROW_HEIGHT = 44;
const STATUSES = ['assessed', 'under_inspection', 'inspected', 'released'] as const;

/** The queue's filters, from the address (red and yellow unless it says otherwise). */
function queueFilters(params: URLSearchParams) {
  return {
    channel: params.get('channel') ?? 'red,yellow',
    office: params.get('office') ?? '',
    status: params.get('status') ?? '',
    date: params.get('date') ?? '',
  };
}

function queueQuery(filters: ReturnType<typeof queueFilters>) {
  return infiniteQueryOptions({
    queryKey: ['queue', filters],
    queryFn: ({ pageParam }) =>
      getJson<Page<QueueEntry>>(`/v1/queue${query({ ...filters, limit: PAGE_SIZE, cursor: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/**
 * Asks for the first queue page as the application starts, at the same time as the session
 * (`/v1/me`), rather than after it: the queue is the first screen, and one round trip less
 * before its first row is on screen.
 */
export function prefetchQueue(client: QueryClient, params: URLSearchParams): void {
  void client.prefetchInfiniteQuery(queueQuery(queueFilters(params)));
}

/**
 * The inspection queue: red and yellow first (the default filter is what an officer must check),
 * keyset pages of 200 fetched as the list scrolls, and only the rows on screen in the DOM, so a
 * queue of hundreds of thousands of decisions stays as fast as one of twenty.
 * Keyboard: ↑/↓ (or j/k) move between rows, Home/End jump, Enter opens the declaration.
 */
export function QueueScreen() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters = queueFilters(params);
  const queue = useInfiniteQuery(queueQuery(filters));
  const rows = queue.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">{t('queue.title')}</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const next = new URLSearchParams();
          for (const [name, value] of form) if (value !== '') next.set(name, String(value));
          if (!form.get('channel')) next.set('channel', '');
          setParams(next);
        }}
      >
        <label>
          {t('queue.channel')}
          <select name="channel" defaultValue={filters.channel}>
            <option value="red,yellow">{t('queue.toCheck')}</option>
            <option value="">{t('queue.all')}</option>
            <option value="red">{t('channel.red')}</option>
            <option value="yellow">{t('channel.yellow')}</option>
            <option value="green">{t('channel.green')}</option>
          </select>
        </label>
        <label>
          {t('queue.office')}
          <input name="office" maxLength={20} size={10} defaultValue={filters.office} />
        </label>
        <label>
          {t('queue.status')}
          <select name="status" defaultValue={filters.status}>
            <option value="">{t('queue.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('queue.date')}
          <input name="date" type="date" defaultValue={filters.date} />
        </label>
        <button type="submit">{t('queue.filter')}</button>
      </form>
      {queue.isError && <ErrorMessage error={queue.error} />}
      {queue.isPending ? (
        <p role="status">{t('app.loading')}</p>
      ) : rows.length === 0 ? (
        <p>{t('queue.empty')}</p>
      ) : (
        <QueueList
          rows={rows}
          hasMore={!!queue.hasNextPage}
          loadMore={() => {
            if (!queue.isFetchingNextPage) void queue.fetchNextPage();
          }}
        />
      )}
      <p className="count" role="status">
        {queue.data && t('queue.shown', { count: rows.length, formatted: formatNumber(rows.length) })}
        {queue.hasNextPage ? ` ${t('queue.more')}` : ''}
      </p>
    </section>
  );
}

function QueueList(props: { rows: QueueEntry[]; hasMore: boolean; loadMore: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const parent = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const { rows, hasMore, loadMore } = props;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (last && hasMore && last.index >= rows.length - 50) loadMore();
  }, [last, hasMore, rows.length, loadMore]);

  const focusRow = (index: number) => {
    const i = Math.max(0, Math.min(rows.length - 1, index));
    setActive(i);
    virtualizer.scrollToIndex(i, { align: 'auto' });
    requestAnimationFrame(() => parent.current?.querySelector<HTMLElement>(`[data-index="${i}"] a`)?.focus());
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const moves: Record<string, number> = {
      ArrowDown: 1,
      j: 1,
      ArrowUp: -1,
      k: -1,
      PageDown: 10,
      PageUp: -10,
    };
    if (e.key in moves) focusRow(active + moves[e.key]!);
    else if (e.key === 'Home') focusRow(0);
    else if (e.key === 'End') focusRow(rows.length - 1);
    else if (e.key === 'Enter' && rows[active])
      navigate(`/declarations/${encodeURIComponent(rows[active].declarationId)}`);
    else return;
    e.preventDefault();
  };

  return (
    <div className="queue">
      <div className="queue-head" aria-hidden="true">
        <span>{t('queue.col.channel')}</span>
        <span>{t('queue.col.declaration')}</span>
        <span>{t('queue.col.office')}</span>
        <span className="num">{t('queue.col.score')}</span>
        <span>{t('queue.col.reason')}</span>
        <span>{t('queue.col.decided')}</span>
      </div>
      <section ref={parent} className="queue-scroll" onKeyDown={onKeyDown} aria-label={t('queue.listLabel')}>
        <ul style={{ height: virtualizer.getTotalSize() }} aria-label={t('queue.listLabel')}>
          {items.map((item) => {
            const e = rows[item.index]!;
            return (
              <li
                key={e.decisionId}
                data-index={item.index}
                className={item.index === active ? 'row active' : 'row'}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                aria-setsize={hasMore ? -1 : rows.length}
                aria-posinset={item.index + 1}
              >
                <Link
                  to={`/declarations/${encodeURIComponent(e.declarationId)}`}
                  tabIndex={item.index === active ? 0 : -1}
                  onFocus={() => setActive(item.index)}
                >
                  <span>
                    <ChannelChip channel={e.channel} />
                    {e.kind === 'override' && <small> {t('queue.override')}</small>}
                  </span>
                  <span className="id">{e.declarationId}</span>
                  <span>{e.customsOffice}</span>
                  <span className="num">{formatNumber(e.score, { maximumFractionDigits: 2 })}</span>
                  <span className="reason" dir="auto">
                    {e.reasons[0]?.message ?? e.summary}
                  </span>
                  <span>
                    <time dateTime={e.decidedAt}>{formatDateTime(e.decidedAt)}</time>
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      </section>
    </div>
  );
}
