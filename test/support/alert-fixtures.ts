/**
 * An alert file as an analyst writes it (docs/SHARING.md): medicines from India, one container
 * (written with a space and a dash, as people do; ISO 6346 check digit valid).
 */
export const ALERT_FILE = {
  title: 'Falsified tablets',
  reason: 'Falsified tablets found in three consignments.',
  instructions: 'Sample the tablets.',
  handling: 'AMBER',
  validUntil: '2026-12-31',
  criteria: { all: [{ hsPrefix: ['3004'] }, { originCountry: ['IN'] }] },
  containers: ['csqu 305438-3'],
};
