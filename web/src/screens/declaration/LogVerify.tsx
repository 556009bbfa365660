import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getJson } from '../../api/client.ts';
import type { LogProof } from '../../api/types.ts';
import { formatNumber } from '../../i18n/i18n.ts';
import { type ProofCheck, verifyLogProof } from '../../ledger/verify-log-proof.ts';
import { ErrorMessage } from '../common.tsx';

/**
 * The decision's place in the transparency log, and a button that checks the inclusion proof in
 * this browser (WebCrypto), trusting nothing the server says but the log's public key.
 */
export function LogVerify(props: { declarationId: string; decisionId: string; logIndex: number | null }) {
  const { t } = useTranslation();
  const verify = useMutation({
    mutationFn: async (): Promise<ProofCheck> => {
      const proof = await getJson<LogProof>(
        `/v1/declarations/${encodeURIComponent(props.declarationId)}/log-proof?decision=${encodeURIComponent(props.decisionId)}`,
      );
      return verifyLogProof(proof);
    },
  });
  if (props.logIndex === null) return <p>{t('log.notYet')}</p>;
  return (
    <div className="verify">
      <p>{t('log.index', { index: formatNumber(props.logIndex) })}</p>
      <button type="button" onClick={() => verify.mutate()} disabled={verify.isPending}>
        {t('log.verify')}
      </button>
      {verify.isError && <ErrorMessage error={verify.error} />}
      {verify.data && (
        <div role="status" className={verify.data.ok ? 'ok' : 'error'}>
          <p>
            <strong>{verify.data.ok ? t('log.verified') : t('log.failed')}</strong>
            {verify.data.size !== null && ` ${t('log.treeSize', { size: formatNumber(verify.data.size) })}`}
          </p>
          <ul>
            {verify.data.steps.map((s) => (
              <li key={s.step}>
                {t(`log.step.${s.step}`)}:{' '}
                {s.ok === null ? t('log.notChecked') : s.ok ? t('log.pass') : t('log.fail')}
              </li>
            ))}
          </ul>
          {verify.data.root && <p className="hash">{t('log.root', { root: verify.data.root })}</p>}
        </div>
      )}
    </div>
  );
}
