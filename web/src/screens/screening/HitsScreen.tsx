import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getJson, query, sendJson } from '../../api/client.ts';
import { useSession } from '../../app/session.tsx';
import { formatDateTime, formatPercent } from '../../i18n/i18n.ts';
import { ErrorMessage } from '../common.tsx';

interface StoredHit {
  id: string;
  query: Record<string, unknown>;
  list: string;
  entityId: string;
  score: number;
  decision: string;
  reasons: string[];
  status: string;
  fourEyes: boolean;
  raisedAt: string;
}
interface GoodParty {
  query: Record<string, unknown>;
  list: string;
  entityId: string;
  clearedAt: string;
}

const STATUSES = ['open', 'pending_clearance', 'true_positive', 'false_positive'] as const;

/** Screening hits to adjudicate (four-eyes clearance where the server asks it) and the good-party list. */
export default function HitsScreen() {
  const { t } = useTranslation();
  const [status, setStatus] = useState('open');
  const statusId = useId();
  const hits = useQuery({
    queryKey: ['hits', status],
    queryFn: () => getJson<{ items: StoredHit[] }>(`/v1/screening/hits${query({ status, limit: 200 })}`),
  });
  const good = useQuery({
    queryKey: ['good-parties'],
    queryFn: () => getJson<{ items: GoodParty[] }>('/v1/screening/good-parties'),
  });
  return (
    <section aria-labelledby="hits-title">
      <h1 id="hits-title">{t('hits.title')}</h1>
      <div className="filters">
        <label htmlFor={statusId}>{t('hits.status')}</label>
        <select id={statusId} value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">{t('queue.all')}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`hitStatus.${s}`)}
            </option>
          ))}
        </select>
      </div>
      {hits.isError && <ErrorMessage error={hits.error} />}
      {hits.data &&
        (hits.data.items.length === 0 ? (
          <p>{t('hits.none')}</p>
        ) : (
          <ul className="hit-list">
            {hits.data.items.map((h) => (
              <HitCard key={h.id} hit={h} />
            ))}
          </ul>
        ))}
      <h2>{t('hits.goodParties')}</h2>
      {good.isError && <ErrorMessage error={good.error} />}
      {good.data &&
        (good.data.items.length === 0 ? (
          <p>{t('hits.noGoodParties')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('hits.party')}</th>
                <th scope="col">{t('hits.entry')}</th>
                <th scope="col">{t('hits.clearedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {good.data.items.map((g) => (
                <tr key={`${g.list}:${g.entityId}:${JSON.stringify(g.query)}`}>
                  <td>{String(g.query.name ?? '')}</td>
                  <td className="id">
                    {g.list.toUpperCase()} {g.entityId}
                  </td>
                  <td>{formatDateTime(g.clearedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

function HitCard(props: { hit: StoredHit }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const client = useQueryClient();
  const h = props.hit;
  const [note, setNote] = useState('');
  const noteId = useId();
  const done = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ['hits'] }),
      client.invalidateQueries({ queryKey: ['good-parties'] }),
    ]);
  const adjudicate = useMutation({
    mutationFn: (verdict: string) =>
      sendJson('POST', `/v1/screening/hits/${encodeURIComponent(h.id)}/adjudication`, { verdict, note }),
    onSuccess: done,
  });
  const confirm = useMutation({
    mutationFn: () =>
      sendJson('POST', `/v1/screening/hits/${encodeURIComponent(h.id)}/confirmation`, { note }),
    onSuccess: done,
  });
  const canAdjudicate = can('POST /v1/screening/hits/{id}/adjudication');
  return (
    <li className="card">
      <h3>
        {String(h.query.name ?? '')} → {h.list.toUpperCase()} {h.entityId}
      </h3>
      <p className="meta">
        {t('hits.score', { score: formatPercent(h.score) })} ·{' '}
        {t(`hitStatus.${h.status}`, { defaultValue: h.status })}
        {h.fourEyes && ` · ${t('hits.fourEyes')}`} · {formatDateTime(h.raisedAt)}
      </p>
      <ul className="evidence">
        {h.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      {canAdjudicate && (h.status === 'open' || h.status === 'pending_clearance') && (
        <div className="toolbar">
          <label htmlFor={noteId} className="sr-only">
            {t('hits.note')}
          </label>
          <input
            id={noteId}
            placeholder={t('hits.note')}
            maxLength={500}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          {h.status === 'open' ? (
            <>
              <button type="button" onClick={() => adjudicate.mutate('true_positive')}>
                {t('hits.truePositive')}
              </button>
              <button type="button" onClick={() => adjudicate.mutate('false_positive')}>
                {t('hits.falsePositive')}
              </button>
            </>
          ) : (
            <button type="button" onClick={() => confirm.mutate()}>
              {t('hits.confirm')}
            </button>
          )}
        </div>
      )}
      {adjudicate.isError && <ErrorMessage error={adjudicate.error} />}
      {confirm.isError && <ErrorMessage error={confirm.error} />}
    </li>
  );
}
