import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { ReferenceData } from '../reference/reference-data.ts';
import type { SeizureReport, SeizureReportInput } from './seizure.ts';
import { SeizureReportSchema } from './seizure.ts';

/** Test data shared by the sharing unit tests (no I/O, no clock). */

export function makeSeizure(overrides: Partial<SeizureReportInput> = {}): SeizureReport {
  return SeizureReportSchema.parse({
    id: 'NL-2026-0001',
    administration: 'nl-customs',
    date: '2026-11-30',
    office: 'NL000396',
    direction: 'import',
    category: 'drugs',
    hsCode: '293979',
    goods: 'cocaine hydrochloride in banana boxes',
    quantity: { value: 412.5, unit: 'kg' },
    estimatedValue: { amount: 30_000_000, currency: 'EUR' },
    concealment: 'mixed-with-legitimate-goods',
    detection: 'risk-profile',
    transportMode: 'sea',
    route: { departure: 'EC', transit: ['PA'], destination: 'NL' },
    declarationId: 'D-2026-77',
    persons: [
      {
        role: 'recipient',
        name: 'Jan de Vries',
        dateOfBirth: '1980-04-02',
        nationality: 'NL',
        documentType: 'passport',
        documentNumber: 'NX1234567',
        address: 'Keizersgracht 1, Amsterdam',
      },
    ],
    companies: [{ role: 'consignee', name: 'Fruit Import BV', identifier: 'NL123456789', country: 'NL' }],
    notes: 'Driver Piet Jansen called the consignee twice during the inspection.',
    ...overrides,
  });
}

/** A fresh Ed25519 key pair (node:crypto), for signing tests. */
export function ed25519Pair(): { privateKey: KeyObject; publicKey: KeyObject; raw: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return { privateKey, publicKey, raw };
}

/** Reference data with nothing loaded: enough for criteria that need no HS or regulatory table. */
export const EMPTY_REFERENCE: ReferenceData = {
  hs: {
    '2022': { edition: '2022', subheadings: new Map(), headings: new Map(), chapters: new Map() },
    '2017': { edition: '2017', subheadings: new Map(), headings: new Map(), chapters: new Map() },
  },
  countries: new Map(),
  currencies: new Set(),
  locodes: new Set(),
  regulatory: new Map(),
  version: 'empty',
};
