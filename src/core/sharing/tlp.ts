import { z } from 'zod';

/**
 * Traffic Light Protocol 2.0 (FIRST, https://www.first.org/tlp/): the handling code every shared
 * item carries. It says who may see the item and whether a recipient may pass it on. The labels'
 * definitions, mapped to administrations sharing customs information:
 *
 * - TLP:RED — "for the eyes and ears of individual recipients only, no further": the named
 *   recipient administration, nobody else; never passed on.
 * - TLP:AMBER+STRICT — "limited disclosure, restricted to the recipient's organization only".
 * - TLP:AMBER — "limited disclosure, restricted to the recipient's organization and its clients"
 *   (for a customs administration: the national agencies it serves on a need-to-know basis,
 *   e.g. the financial intelligence unit or the police).
 * - TLP:GREEN — "limited disclosure, restricted to the community": the partners and closed
 *   groups of the sharing network, never public channels.
 * - TLP:CLEAR — "disclosure is not limited".
 *
 * Sharing back with the source is always allowed under TLP, so feedback to the sender is never
 * forbidden; feedback shown to the other recipients of the same item follows the item's label.
 */
export const TLP_CODES = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type TlpCode = (typeof TLP_CODES)[number];

/** Accepts `AMBER` or the written label `TLP:AMBER`, in any case; names TLP 1.0's WHITE explicitly. */
export const TlpCodeSchema = z.string().transform((value, ctx): TlpCode => {
  const code = value.trim().toUpperCase().replace(/^TLP:/, '');
  if ((TLP_CODES as readonly string[]).includes(code)) return code as TlpCode;
  ctx.issues.push({
    code: 'custom',
    input: value,
    message:
      code === 'WHITE'
        ? 'TLP:WHITE is TLP 1.0; TLP 2.0 calls it CLEAR'
        : `must be a TLP 2.0 code: ${TLP_CODES.join(', ')}`,
  });
  return z.NEVER;
});

/**
 * Who someone is with respect to one shared item.
 * - `sender`: the administration that shared it
 * - `recipient`: an administration it was addressed to (directly or as a member of a group), in
 *   the person of the analysts it was delivered to
 * - `recipient-organization`: other staff of a recipient administration, on a need-to-know basis
 * - `recipient-client`: a national agency the recipient serves (police, FIU), not an administration of the network
 * - `community`: a partner or group member of the network the item was not addressed to
 * - `other-partner`: an administration outside that community
 * - `public`: anyone
 */
export const AUDIENCES = [
  'sender',
  'recipient',
  'recipient-organization',
  'recipient-client',
  'community',
  'other-partner',
  'public',
] as const;
export type Audience = (typeof AUDIENCES)[number];

/** An answer with its reason, so a refusal can be shown as it is. */
export type HandlingDecision = { allowed: true } | { allowed: false; reason: string };

const ALLOW: HandlingDecision = { allowed: true };

/** Widest audience each label lets a recipient pass the item on to, narrowest first. */
const REACH: Record<TlpCode, readonly Audience[]> = {
  RED: ['sender', 'recipient'],
  'AMBER+STRICT': ['sender', 'recipient', 'recipient-organization'],
  AMBER: ['sender', 'recipient', 'recipient-organization', 'recipient-client'],
  GREEN: ['sender', 'recipient', 'recipient-organization', 'recipient-client', 'community'],
  CLEAR: AUDIENCES,
};

const LIMIT_TEXT: Record<TlpCode, string> = {
  RED: 'TLP:RED is for the named recipients only and may not be passed on at all',
  'AMBER+STRICT': "TLP:AMBER+STRICT restricts sharing to the recipient's own organization",
  AMBER: "TLP:AMBER restricts sharing to the recipient's organization and its clients",
  GREEN: 'TLP:GREEN restricts sharing to the community and forbids public channels',
  CLEAR: 'TLP:CLEAR does not limit disclosure',
};

const AUDIENCE_TEXT: Record<Audience, string> = {
  sender: 'the sender',
  recipient: 'a recipient',
  'recipient-organization': "staff of the recipient's organization it was not delivered to",
  'recipient-client': "a recipient's client agency",
  community: 'a community member it was not addressed to',
  'other-partner': 'a partner outside the community',
  public: 'the public',
};

/** May someone in this position see an item carrying this label? */
export function mayView(code: TlpCode, audience: Audience): HandlingDecision {
  if (REACH[code].includes(audience)) return ALLOW;
  return { allowed: false, reason: `${LIMIT_TEXT[code]}: ${AUDIENCE_TEXT[audience]} may not see it` };
}

/**
 * May a recipient pass the item on to `to`? The sender and the recipient itself always qualify;
 * anyone else only within the label's reach. An AMBER+STRICT or RED item is never passed on.
 */
export function mayReshare(code: TlpCode, to: Audience): HandlingDecision {
  if (to === 'sender' || to === 'recipient') return ALLOW;
  if (REACH[code].includes(to)) return ALLOW;
  return {
    allowed: false,
    reason: `re-sharing refused: ${LIMIT_TEXT[code]}, so it may not go to ${AUDIENCE_TEXT[to]}`,
  };
}

/**
 * May a recipient return feedback (hit, outcome) to `to`? To the sender always (TLP 2.0: sharing
 * back with the source is never restricted). To the item's other recipients only when the label
 * lets the item travel between organizations: not under AMBER+STRICT or RED.
 */
export function mayReturnFeedback(code: TlpCode, to: 'sender' | 'co-recipients'): HandlingDecision {
  if (to === 'sender') return ALLOW;
  if (code === 'RED' || code === 'AMBER+STRICT') {
    return { allowed: false, reason: `${LIMIT_TEXT[code]}: feedback goes to the sender only` };
  }
  return ALLOW;
}

/** The more restrictive of two labels (a derived item keeps the strictest label of its sources). */
export function stricterTlp(a: TlpCode, b: TlpCode): TlpCode {
  return TLP_CODES.indexOf(a) >= TLP_CODES.indexOf(b) ? a : b;
}
