/** Shapes of the server's answers the screens read (docs/API.md, docs/WORKBENCH-API.md). */

export type Channel = 'green' | 'yellow' | 'red';
export const CHANNELS: readonly Channel[] = ['red', 'yellow', 'green'];

export interface Me {
  administration: { id: string; name: string };
  role: string;
  key: { id: string; label: string | null };
  routes: string[];
}

export interface RiskSignal {
  source: string;
  code: string;
  message: string;
  score: number;
  minChannel?: Channel;
  instructions?: string;
  items?: number[];
  evidence?: unknown;
}

export interface QueueEntry {
  declarationId: string;
  version: number;
  type: string;
  customsOffice: string;
  lodgedAt: string;
  status: string;
  channel: Channel;
  score: number;
  decidedAt: string;
  decisionId: string;
  kind: 'auto' | 'override';
  summary: string;
  reasons: RiskSignal[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Decision {
  id: string;
  declarationId: string;
  version: number;
  kind: 'auto' | 'override';
  channel: Channel;
  score: number;
  reasons: RiskSignal[];
  decidedAt: string;
  officer: string | null;
  reason: string | null;
  logIndex: number | null;
  modelVersion: string | null;
}

export interface Party {
  id?: string;
  name?: string;
  country?: string;
  address?: { street?: string; city?: string; postcode?: string; country?: string };
  trustedTrader?: boolean;
}

export interface SupportingDocument {
  type: string;
  reference: string;
  issuer?: string;
}

export interface GoodsItem {
  sequence: number;
  hsCode: string;
  description?: string;
  originCountry: string;
  netMass?: number;
  invoiceValue?: number;
  customsValue?: number;
  documents: SupportingDocument[];
}

export interface DeclarationBody {
  id: string;
  type: string;
  customsOffice: string;
  lodgedAt: string;
  arrivalAt?: string;
  currency: string;
  invoiceTotal?: number;
  transport?: { mode: string; vesselName?: string; vesselImo?: string };
  transportDocuments: SupportingDocument[];
  containers: string[];
  items: GoodsItem[];
  [role: string]: unknown;
}

export interface Outcome {
  result: 'no_discrepancy' | 'discrepancy' | 'seizure';
  revenueRecovered: number | null;
  recordedAt?: string;
  notes?: string | null;
}

export interface DeclarationView {
  id: string;
  version: number;
  status: string;
  declaration: DeclarationBody;
  versions: { version: number; contentHash: string; receivedAt: string; source: string }[];
  decision: Decision | null;
  decisions: Decision[];
  events: { id: string; version: number; event: string; at: string; actor: string }[];
  outcomes: Outcome[];
}

export interface ScreeningMatch {
  list: string;
  entityId: string;
  name: string;
  matchedName: string;
  score: number;
  decision: string;
  reasons: string[];
  hitId: string | null;
  status: string | null;
}

export interface Explanation {
  declarationId: string;
  decisionId: string;
  channel: Channel;
  score: number;
  summary: string;
  reasons: RiskSignal[];
  profiles: { id: string; version: number; message: string; instructions?: string; minChannel?: Channel }[];
  screening: { role: string; query: { name: string; country?: string }; hits: ScreeningMatch[] }[];
  model: {
    modelVersion: string | null;
    probability: number;
    /** `recomputed`: the score stayed below the yellow threshold; the model scored it again on this read. */
    source: 'decision' | 'recomputed';
    contributions: {
      feature: string;
      value: number | string | null;
      contribution: number;
      reason?: string;
    }[];
  } | null;
}

export interface LogProof {
  logIndex: number;
  decisionId: string;
  leaf: string;
  leafHash: string;
  record?: { kind: string; recordId: string; administration: string; content: string; salt: string };
  proof: { index: number; size: number; hashes: string[] };
  checkpoint: string;
  publicKey: string;
}
