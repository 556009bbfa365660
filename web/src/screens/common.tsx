import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';
import type { Channel } from '../api/types.ts';

export function ChannelChip(props: { channel: Channel }) {
  const { t } = useTranslation();
  return <span className={`chip ${props.channel}`}>{t(`channel.${props.channel}`)}</span>;
}

/** The server's own message (it names the field), or a generic one for a network failure. */
export function ErrorMessage(props: { error: unknown }) {
  const { t } = useTranslation();
  const e = props.error;
  return (
    <div className="error" role="alert">
      <p>{e instanceof ApiError ? e.message : t('app.networkError')}</p>
      {e instanceof ApiError && e.details.length > 0 && (
        <ul>
          {e.details.map((d) => (
            <li key={`${d.path}:${d.code}`}>
              <code>{d.path}</code> {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A definition list of label → value, skipping empty values. */
export function Facts(props: { rows: [string, string | number | undefined | null][] }) {
  return (
    <dl className="facts">
      {props.rows
        .filter(([, v]) => v !== undefined && v !== null && v !== '')
        .map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
    </dl>
  );
}

/** Rows as CSV (RFC 4180: quote every field that needs it) and a download link for them. */
export function toCsv(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '';
  const headers = Object.keys(rows[0]!);
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[headers.join(','), ...rows.map((r) => headers.map((h) => cell(r[h])).join(','))].join('\r\n')}\r\n`;
}

export function CsvDownload(props: { name: string; rows: Record<string, unknown>[] }) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      className="link"
      onClick={() => {
        const url = URL.createObjectURL(new Blob([toCsv(props.rows)], { type: 'text/csv;charset=utf-8' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = `${props.name}.csv`;
        a.click();
        URL.revokeObjectURL(url);
      }}
    >
      {t('dashboards.csv')}
    </button>
  );
}
