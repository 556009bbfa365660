import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { getJson } from '../../api/client.ts';
import type { DeclarationView, Explanation, Party } from '../../api/types.ts';
import { formatDateTime, formatMoney, formatNumber, formatPercent } from '../../i18n/i18n.ts';
import { ChannelChip, ErrorMessage, Facts } from '../common.tsx';
import { DeclarationActions } from './DeclarationActions.tsx';
import { LogVerify } from './LogVerify.tsx';

const EChart = lazy(() => import('../../charts/EChart.tsx'));
const PARTY_ROLES = ['declarant', 'importer', 'exporter', 'consignor', 'consignee', 'carrier'] as const;

/** Everything an officer needs to see why a declaration was selected and what to check. */
export default function DeclarationScreen() {
  const { t } = useTranslation();
  const id = useParams().id!;
  const path = `/v1/declarations/${encodeURIComponent(id)}`;
  const view = useQuery({ queryKey: ['declaration', id], queryFn: () => getJson<DeclarationView>(path) });
  const explanation = useQuery({
    queryKey: ['explanation', id],
    queryFn: () => getJson<Explanation>(`${path}/explanation`),
  });
  if (view.isPending) return <p role="status">{t('app.loading')}</p>;
  if (view.isError) return <ErrorMessage error={view.error} />;
  const { declaration: d, decision } = view.data;
  return (
    <article aria-labelledby="declaration-title" className="declaration">
      <p>
        <Link to="/queue">{t('declaration.back')}</Link>
      </p>
      <h1 id="declaration-title">
        {t('declaration.title', { id: d.id })} {decision && <ChannelChip channel={decision.channel} />}
      </h1>
      <Facts
        rows={[
          [t('declaration.status'), t(`status.${view.data.status}`)],
          [t('declaration.type'), d.type],
          [t('declaration.office'), d.customsOffice],
          [t('declaration.lodged'), formatDateTime(d.lodgedAt)],
          [
            t('declaration.score'),
            decision ? formatNumber(decision.score, { maximumFractionDigits: 2 }) : null,
          ],
          [
            t('declaration.invoiceTotal'),
            d.invoiceTotal !== undefined ? formatMoney(d.invoiceTotal, d.currency) : null,
          ],
          [
            t('declaration.transport'),
            d.transport ? [d.transport.mode, d.transport.vesselName].filter(Boolean).join(' · ') : null,
          ],
          [t('declaration.containers'), d.containers.join(', ')],
        ]}
      />
      <div className="columns">
        <div>
          <section aria-labelledby="reasons-title" className="card">
            <h2 id="reasons-title">{t('declaration.reasons')}</h2>
            {decision && decision.reasons.length > 0 ? (
              <ol className="reasons">
                {[...decision.reasons]
                  .sort((a, b) => b.score - a.score)
                  .map((r) => (
                    <li key={`${r.source}:${r.code}:${r.message}`}>
                      <p>
                        <strong dir="auto">{r.message}</strong>
                      </p>
                      <p className="meta">
                        {t(`source.${r.source}`, { defaultValue: r.source })} · {r.code} ·{' '}
                        {t('declaration.points', {
                          points: formatNumber(r.score, { maximumFractionDigits: 2 }),
                        })}
                        {r.items &&
                          r.items.length > 0 &&
                          ` · ${t('declaration.items', { items: r.items.join(', ') })}`}
                      </p>
                      {r.instructions && <p className="instructions">{r.instructions}</p>}
                    </li>
                  ))}
              </ol>
            ) : (
              <p>{t('declaration.noReasons')}</p>
            )}
            {decision?.kind === 'override' && (
              <p className="meta">
                {t('declaration.overriddenBy', { officer: decision.officer, reason: decision.reason })}
              </p>
            )}
          </section>
          {explanation.isError && <ErrorMessage error={explanation.error} />}
          {explanation.data && <ExplanationCards explanation={explanation.data} />}
          <GoodsTable view={view.data} />
          <section aria-labelledby="parties-title" className="card">
            <h2 id="parties-title">{t('declaration.parties')}</h2>
            <dl className="facts">
              {PARTY_ROLES.filter((role) => d[role]).map((role) => {
                const p = d[role] as Party;
                return (
                  <div key={role}>
                    <dt>{t(`party.${role}`)}</dt>
                    <dd>
                      {[p.name, p.id, p.country ?? p.address?.country].filter(Boolean).join(' · ')}
                      {p.trustedTrader && ` · ${t('party.trusted')}`}
                    </dd>
                  </div>
                );
              })}
            </dl>
          </section>
        </div>
        <div>
          {decision && (
            <DeclarationActions
              declarationId={d.id}
              channel={decision.channel}
              currency={d.currency}
              status={view.data.status}
            />
          )}
          <section aria-labelledby="log-title" className="card">
            <h2 id="log-title">{t('declaration.log')}</h2>
            {decision && (
              <LogVerify declarationId={d.id} decisionId={decision.id} logIndex={decision.logIndex} />
            )}
          </section>
          <History view={view.data} />
        </div>
      </div>
    </article>
  );
}

function ExplanationCards(props: { explanation: Explanation }) {
  const { t, i18n } = useTranslation();
  const { model, screening, profiles } = props.explanation;
  const contributions = useMemo(
    () =>
      [...(model?.contributions ?? [])]
        .sort((a, b) => Math.abs(a.contribution) - Math.abs(b.contribution))
        .slice(-10),
    [model],
  );
  const rtl = i18n.dir() === 'rtl';
  const option = useMemo(
    () => ({
      grid: { left: rtl ? 20 : 150, right: rtl ? 150 : 20, top: 10, bottom: 30 },
      xAxis: { type: 'value', inverse: rtl },
      yAxis: {
        type: 'category',
        data: contributions.map((c) => c.feature),
        position: rtl ? 'right' : 'left',
      },
      tooltip: {},
      series: [
        {
          type: 'bar',
          data: contributions.map((c) => ({
            value: c.contribution,
            itemStyle: { color: c.contribution > 0 ? '#b3261e' : '#2e7d32' },
          })),
        },
      ],
    }),
    [contributions, rtl],
  );
  return (
    <>
      {profiles.length > 0 && (
        <section aria-labelledby="instructions-title" className="card">
          <h2 id="instructions-title">{t('declaration.instructions')}</h2>
          <ul>
            {profiles.map((p) => (
              <li key={`${p.id}:${p.version}`}>
                <strong>
                  {p.id} v{p.version}
                </strong>
                : {p.instructions ?? p.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      {screening.some((s) => s.hits.length > 0) && (
        <section aria-labelledby="hits-title" className="card">
          <h2 id="hits-title">{t('declaration.screening')}</h2>
          {screening
            .filter((s) => s.hits.length > 0)
            .map((s) => (
              <div key={s.role}>
                <h3>
                  {t(`party.${s.role}`, { defaultValue: s.role })}: {s.query.name}
                </h3>
                <ul>
                  {s.hits.map((h) => (
                    <li key={`${h.list}:${h.entityId}`}>
                      <strong>{h.name}</strong> ({h.list.toUpperCase()} {h.entityId}) —{' '}
                      {t('declaration.hitScore', { score: formatPercent(h.score) })}
                      {h.status && ` · ${t(`hitStatus.${h.status}`, { defaultValue: h.status })}`}
                      <ul className="evidence">
                        {h.reasons.map((r) => (
                          <li key={r}>{r}</li>
                        ))}
                      </ul>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
        </section>
      )}
      {model && (
        <section aria-labelledby="model-title" className="card">
          <h2 id="model-title">{t('declaration.model')}</h2>
          <p>
            {t('declaration.probability', {
              probability: formatPercent(model.probability),
              model: model.modelVersion ?? '—',
            })}
          </p>
          {model.source === 'recomputed' && <p className="meta">{t('declaration.belowThreshold')}</p>}
          <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
            <EChart
              option={option}
              label={t('declaration.contributionsChart')}
              height={Math.max(160, contributions.length * 28)}
            />
          </Suspense>
          <table>
            <caption className="sr-only">{t('declaration.contributionsChart')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('declaration.feature')}</th>
                <th scope="col">{t('declaration.value')}</th>
                <th scope="col">{t('declaration.contribution')}</th>
              </tr>
            </thead>
            <tbody>
              {[...contributions].reverse().map((c) => (
                <tr key={c.feature}>
                  <td>{c.reason ?? c.feature}</td>
                  <td>
                    {typeof c.value === 'number'
                      ? formatNumber(c.value, { maximumFractionDigits: 3 })
                      : (c.value ?? '—')}
                  </td>
                  <td className="num">
                    {formatNumber(c.contribution, { maximumFractionDigits: 3, signDisplay: 'always' })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}

function GoodsTable(props: { view: DeclarationView }) {
  const { t } = useTranslation();
  const d = props.view.declaration;
  // The same document is often cited by several items: list it once.
  const docs = [
    ...new Map(
      [...d.transportDocuments, ...d.items.flatMap((i) => i.documents)].map((doc) => [
        `${doc.type}:${doc.reference}`,
        doc,
      ]),
    ).entries(),
  ];
  return (
    <section aria-labelledby="goods-title" className="card">
      <h2 id="goods-title">{t('declaration.goods')}</h2>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('goods.hs')}</th>
              <th scope="col">{t('goods.description')}</th>
              <th scope="col">{t('goods.origin')}</th>
              <th scope="col">{t('goods.netMass')}</th>
              <th scope="col">{t('goods.value')}</th>
            </tr>
          </thead>
          <tbody>
            {d.items.map((i) => (
              <tr key={i.sequence}>
                <td>{i.sequence}</td>
                <td className="id">{i.hsCode}</td>
                <td>{i.description ?? '—'}</td>
                <td>{i.originCountry}</td>
                <td className="num">{i.netMass !== undefined ? formatNumber(i.netMass) : '—'}</td>
                <td className="num">
                  {(i.customsValue ?? i.invoiceValue) !== undefined
                    ? formatMoney((i.customsValue ?? i.invoiceValue)!, d.currency)
                    : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>{t('declaration.documents')}</h3>
      {docs.length === 0 ? (
        <p>{t('declaration.noDocuments')}</p>
      ) : (
        <ul>
          {docs.map(([key, doc]) => (
            <li key={key}>
              {doc.type} {doc.reference}
              {doc.issuer && ` (${doc.issuer})`}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function History(props: { view: DeclarationView }) {
  const { t } = useTranslation();
  const { versions, events, decisions, outcomes } = props.view;
  return (
    <section aria-labelledby="history-title" className="card">
      <h2 id="history-title">{t('declaration.history')}</h2>
      <h3>{t('declaration.versions')}</h3>
      <ul>
        {versions.map((v) => (
          <li key={v.version}>
            v{v.version} · {formatDateTime(v.receivedAt)} · {v.source}
          </li>
        ))}
      </ul>
      <h3>{t('declaration.decisions')}</h3>
      <ul>
        {decisions.map((dec) => (
          <li key={dec.id}>
            <ChannelChip channel={dec.channel} /> {formatDateTime(dec.decidedAt)} ·{' '}
            {dec.kind === 'override'
              ? t('declaration.override', { officer: dec.officer })
              : t('declaration.auto')}
          </li>
        ))}
      </ul>
      <h3>{t('declaration.events')}</h3>
      <ul>
        {events.map((e) => (
          <li key={e.id}>
            {formatDateTime(e.at)} · {t(`event.${e.event}`, { defaultValue: e.event })} · {e.actor}
          </li>
        ))}
      </ul>
      {outcomes.length > 0 && (
        <>
          <h3>{t('declaration.outcomes')}</h3>
          <ul>
            {outcomes.map((o) => (
              <li key={`${o.result}:${o.recordedAt}`}>
                {t(`outcome.${o.result}`)}
                {o.revenueRecovered
                  ? ` · ${formatMoney(o.revenueRecovered, props.view.declaration.currency)}`
                  : ''}
                {o.recordedAt ? ` · ${formatDateTime(o.recordedAt)}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
