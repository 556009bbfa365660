import { useMutation, useQuery } from '@tanstack/react-query';
import type { EChartsCoreOption } from 'echarts/core';
import { lazy, type ReactNode, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { getJson, getText, query } from '../../api/client.ts';
import { formatDuration, formatNumber, formatPercent } from '../../i18n/i18n.ts';
import { ErrorMessage } from '../common.tsx';

const EChart = lazy(() => import('../../charts/EChart.tsx'));

type Row = Record<string, string | number | null>;
type Filters = Record<string, string>;
const COLOURS = { green: '#2e7d32', yellow: '#e0a800', red: '#b3261e' };
const STEPS = [
  'arrival_to_lodgement',
  'lodgement_to_decision',
  'decision_to_release',
  'arrival_to_release',
] as const;

const sum = (rows: Row[], key: string) => rows.reduce((n, r) => n + Number(r[key] ?? 0), 0);
const unique = (rows: Row[], key: string) => [...new Set(rows.map((r) => String(r[key])))].sort();

/**
 * Manager dashboards, computed by the server from lifecycle events and outcomes: Time Release Study
 * (WCO TRS; WTO TFA Art. 7.6), channel mix, hit rates, revenue recovered, seizures and model
 * precision. Every panel has its figures as a table too and downloads as CSV (the server's own).
 */
export default function DashboardsScreen() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const filters: Filters = {
    office: params.get('office') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    period: params.get('period') ?? 'week',
  };
  return (
    <section aria-labelledby="dash-title">
      <h1 id="dash-title">{t('dashboards.title')}</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const next = new URLSearchParams();
          for (const [k, v] of new FormData(e.currentTarget)) if (v !== '') next.set(k, String(v));
          setParams(next);
        }}
      >
        <label>
          {t('queue.office')}
          <input name="office" maxLength={20} size={10} defaultValue={filters.office} />
        </label>
        <label>
          {t('dashboards.from')}
          <input name="from" type="date" defaultValue={filters.from} />
        </label>
        <label>
          {t('dashboards.to')}
          <input name="to" type="date" defaultValue={filters.to} />
        </label>
        <label>
          {t('dashboards.period')}
          <select name="period" defaultValue={filters.period}>
            {(['day', 'week', 'month'] as const).map((p) => (
              <option key={p} value={p}>
                {t(`dashboards.periods.${p}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('queue.filter')}</button>
      </form>
      <TimeRelease filters={filters} />
      <div className="grid2">
        <Panel
          id="channel-mix"
          filters={filters}
          title={t('dashboards.channelMix')}
          chart={(rows) => ({
            tooltip: { trigger: 'axis' },
            legend: {},
            xAxis: { type: 'category', data: rows.map((r) => r.period) },
            yAxis: { type: 'value' },
            series: (['red', 'yellow', 'green'] as const).map((c) => ({
              name: t(`channel.${c}`),
              type: 'bar',
              stack: 'mix',
              color: COLOURS[c],
              data: rows.map((r) => r[c]),
            })),
          })}
          columns={[
            ['period', t('dashboards.col.period')],
            ['red', t('channel.red')],
            ['yellow', t('channel.yellow')],
            ['green', t('channel.green')],
            ['total', t('dashboards.col.total')],
          ]}
        />
        <Panel
          id="hit-rates"
          extra={{ by: 'profile' }}
          filters={filters}
          title={t('dashboards.hitRateProfile')}
          chart={(rows) => bars(rows.map((r) => [String(r.key), Number(r.rate ?? 0)]))}
          columns={[
            ['key', t('dashboards.col.profile')],
            ['inspected', t('dashboards.col.inspected')],
            ['positive', t('dashboards.col.positive')],
            ['rate', t('dashboards.col.rate'), (v) => formatPercent(Number(v))],
          ]}
          csvName="hit-rates-by-profile"
        />
        <Panel
          id="hit-rates"
          extra={{ by: 'channel' }}
          filters={filters}
          title={t('dashboards.hitRateChannel')}
          chart={(rows) => bars(rows.map((r) => [t(`channel.${r.key}`), Number(r.rate ?? 0)]))}
          columns={[
            ['key', t('dashboards.col.channel'), (v) => t(`channel.${v}`)],
            ['inspected', t('dashboards.col.inspected')],
            ['positive', t('dashboards.col.positive')],
            ['rate', t('dashboards.col.rate'), (v) => formatPercent(Number(v))],
          ]}
          csvName="hit-rates-by-channel"
        />
        <Panel
          id="revenue"
          filters={filters}
          title={t('dashboards.revenue')}
          chart={(rows) => {
            const periods = unique(rows, 'period');
            return bars(
              periods.map((p) => [
                p,
                sum(
                  rows.filter((r) => r.period === p),
                  'revenueRecovered',
                ),
              ]),
            );
          }}
          columns={[
            ['period', t('dashboards.col.period')],
            ['office', t('dashboards.col.office')],
            ['outcomes', t('dashboards.col.outcomes')],
            ['revenueRecovered', t('dashboards.col.revenue'), (v) => formatNumber(Number(v))],
          ]}
        />
        <Panel
          id="seizures"
          filters={filters}
          title={t('dashboards.seizures')}
          chart={(rows) => {
            const periods = unique(rows, 'period');
            return {
              tooltip: { trigger: 'axis' },
              legend: {},
              xAxis: { type: 'category', data: periods },
              yAxis: { type: 'value', minInterval: 1 },
              series: unique(rows, 'category').map((c) => ({
                name: c,
                type: 'bar',
                stack: 'seizures',
                data: periods.map((p) =>
                  sum(
                    rows.filter((r) => r.period === p && r.category === c),
                    'count',
                  ),
                ),
              })),
            };
          }}
          columns={[
            ['period', t('dashboards.col.period')],
            ['category', t('dashboards.col.category')],
            ['count', t('dashboards.col.count')],
          ]}
        />
        <Panel
          id="model-precision"
          filters={filters}
          title={t('dashboards.modelPrecision')}
          chart={(rows) => {
            const periods = unique(rows, 'period');
            return {
              tooltip: { trigger: 'axis' },
              legend: {},
              xAxis: { type: 'category', data: periods },
              yAxis: { type: 'value', max: 1 },
              series: unique(rows, 'modelVersion').map((m) => ({
                name: m,
                type: 'line',
                data: periods.map(
                  (p) => rows.find((r) => r.period === p && r.modelVersion === m)?.precision ?? null,
                ),
              })),
            };
          }}
          columns={[
            ['period', t('dashboards.col.period')],
            ['modelVersion', t('dashboards.col.model')],
            ['selected', t('dashboards.col.selected')],
            ['inspected', t('dashboards.col.inspected')],
            ['positive', t('dashboards.col.positive')],
            [
              'precision',
              t('dashboards.col.precision'),
              (v) => (v === null ? '—' : formatPercent(Number(v))),
            ],
          ]}
        />
      </div>
    </section>
  );
}

function bars(data: [string, number][]): EChartsCoreOption {
  return {
    tooltip: {},
    grid: { containLabel: true, left: 10, right: 10 },
    xAxis: { type: 'category', data: data.map((d) => d[0]), axisLabel: { rotate: data.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value' },
    series: [{ type: 'bar', data: data.map((d) => d[1]), color: '#17324d' }],
  };
}

type Column = [key: string, label: string, format?: (v: string | number | null) => ReactNode];

function usePanel(id: string, filters: Filters, extra: Filters = {}) {
  const path = `/v1/dashboards/${id}${query({ ...filters, ...extra })}`;
  const data = useQuery({
    queryKey: ['dashboard', id, filters, extra],
    queryFn: () => getJson<{ rows: Row[]; slowest?: Row[] }>(path),
  });
  const csv = useMutation({
    mutationFn: async (name: string) => {
      const text = await getText(`${path}${path.includes('?') ? '&' : '?'}format=csv`, 'text/csv');
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${name}.csv`;
      a.click();
      URL.revokeObjectURL(url);
    },
  });
  return { data, csv };
}

function Panel(props: {
  id: string;
  title: string;
  filters: Filters;
  extra?: Filters;
  chart: (rows: Row[]) => EChartsCoreOption;
  columns: Column[];
  csvName?: string;
}) {
  const { t } = useTranslation();
  const { data, csv } = usePanel(props.id, props.filters, props.extra);
  const rows = data.data?.rows ?? [];
  const titleId = `panel-${props.csvName ?? props.id}`;
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId}>{props.title}</h2>
      {data.isError && <ErrorMessage error={data.error} />}
      {data.isPending && <p role="status">{t('app.loading')}</p>}
      {data.data &&
        (rows.length === 0 ? (
          <p>{t('dashboards.noData')}</p>
        ) : (
          <>
            <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
              <EChart option={props.chart(rows)} label={props.title} />
            </Suspense>
            <DataTable rows={rows} columns={props.columns} caption={props.title} />
          </>
        ))}
      <button type="button" className="link" onClick={() => csv.mutate(props.csvName ?? props.id)}>
        {t('dashboards.csv')}
      </button>
      {csv.isError && <ErrorMessage error={csv.error} />}
    </section>
  );
}

function DataTable(props: { rows: Row[]; columns: Column[]; caption: string }) {
  const { t } = useTranslation();
  return (
    <details>
      <summary>{t('dashboards.table')}</summary>
      <div className="table-scroll">
        <table>
          <caption className="sr-only">{props.caption}</caption>
          <thead>
            <tr>
              {props.columns.map(([key, label]) => (
                <th key={key} scope="col">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr key={props.columns.map(([k]) => String(r[k])).join('|')}>
                {props.columns.map(([key, , format]) => (
                  <td key={key} className={typeof r[key] === 'number' ? 'num' : undefined}>
                    {format
                      ? format(r[key] ?? null)
                      : typeof r[key] === 'number'
                        ? formatNumber(r[key] as number)
                        : r[key]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** Time Release Study: median and 90th percentile of each step, and the slowest step named. */
function TimeRelease(props: { filters: Filters }) {
  const { t } = useTranslation();
  const { data, csv } = usePanel('time-release', props.filters);
  const [step, setStep] = useState<(typeof STEPS)[number]>('arrival_to_release');
  const rows = (data.data?.rows ?? []).filter((r) => r.step === step);
  const slowest = data.data?.slowest ?? [];
  const periods = unique(rows, 'period');
  const groups = unique(
    rows.map((r) => ({ g: `${r.office} · ${t(`channel.${r.channel}`)}` })),
    'g',
  );
  const group = (r: Row) => `${r.office} · ${t(`channel.${r.channel}`)}`;
  const option: EChartsCoreOption = {
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll' },
    xAxis: { type: 'category', data: periods },
    yAxis: { type: 'value', name: t('dashboards.hours') },
    series: groups.flatMap((g) => [
      {
        name: `${g} ${t('dashboards.median')}`,
        type: 'line',
        data: periods.map((p) => {
          const r = rows.find((x) => x.period === p && group(x) === g);
          return r ? Number(r.medianSeconds) / 3600 : null;
        }),
      },
      {
        name: `${g} ${t('dashboards.p90')}`,
        type: 'line',
        lineStyle: { type: 'dashed' },
        data: periods.map((p) => {
          const r = rows.find((x) => x.period === p && group(x) === g);
          return r ? Number(r.p90Seconds) / 3600 : null;
        }),
      },
    ]),
  };
  return (
    <section className="card" aria-labelledby="trs-title">
      <h2 id="trs-title">{t('dashboards.trs')}</h2>
      <p className="meta">{t('dashboards.trsIntro')}</p>
      <label>
        {t('dashboards.step')}
        <select value={step} onChange={(e) => setStep(e.target.value as (typeof STEPS)[number])}>
          {STEPS.map((s) => (
            <option key={s} value={s}>
              {t(`dashboards.steps.${s}`)}
            </option>
          ))}
        </select>
      </label>
      {data.isError && <ErrorMessage error={data.error} />}
      {data.data && rows.length === 0 && <p>{t('dashboards.noData')}</p>}
      {rows.length > 0 && (
        <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
          <EChart option={option} label={t('dashboards.trs')} height={300} />
        </Suspense>
      )}
      {slowest.length > 0 && (
        <>
          <h3>{t('dashboards.slowest')}</h3>
          <ul>
            {slowest.slice(0, 8).map((s) => (
              <li key={`${s.period}|${s.office}|${s.channel}`}>
                {t('dashboards.slowestLine', {
                  period: s.period,
                  office: s.office,
                  channel: t(`channel.${s.channel}`),
                  step: t(`dashboards.steps.${s.step}`),
                  p90: formatDuration(Number(s.p90Seconds)),
                })}
              </li>
            ))}
          </ul>
        </>
      )}
      {rows.length > 0 && (
        <DataTable
          rows={rows}
          caption={t('dashboards.trs')}
          columns={[
            ['period', t('dashboards.col.period')],
            ['office', t('dashboards.col.office')],
            ['channel', t('dashboards.col.channel'), (v) => t(`channel.${v}`)],
            ['count', t('dashboards.col.count')],
            ['medianSeconds', t('dashboards.median'), (v) => formatDuration(Number(v))],
            ['p90Seconds', t('dashboards.p90'), (v) => formatDuration(Number(v))],
          ]}
        />
      )}
      <button type="button" className="link" onClick={() => csv.mutate('time-release')}>
        {t('dashboards.csv')}
      </button>
      {csv.isError && <ErrorMessage error={csv.error} />}
    </section>
  );
}
