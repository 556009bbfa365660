import { createRoute, z } from '@hono/zod-openapi';
import type { TransparencyLog } from '../../../driven/ledger/transparency-log.ts';
import type { ApiApp } from '../route-module.ts';

const CosignatureSchema = z.object({
  witness: z.string(),
  line: z
    .string()
    .openapi({ description: 'The C2SP tlog-cosignature signature line, as appended to the note' }),
  createdAt: z.string(),
});

export const CheckpointHistorySchema = z
  .object({
    checkpoints: z.array(
      z.object({
        size: z.number().int(),
        rootHash: z.string().openapi({ description: 'RFC 9162 root hash, hex' }),
        createdAt: z.string(),
        note: z
          .string()
          .openapi({ description: 'The signed checkpoint (C2SP signed note), without cosignatures' }),
        cosignatures: z.array(CosignatureSchema),
      }),
    ),
    nextBefore: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Pass as `before` for the next (older) page' }),
  })
  .openapi('CheckpointHistory');

export const WitnessesSchema = z
  .object({
    quorum: z.number().int().openapi({ description: 'Cosignatures a checkpoint needs to be final' }),
    witnesses: z.array(
      z.object({
        name: z.string(),
        verifierKey: z
          .string()
          .nullable()
          .openapi({ description: 'Null for a witness no longer configured' }),
        url: z.string().nullable(),
        lastCosignedSize: z.number().int().openapi({ description: '0 when it never cosigned' }),
        lastCosignedAt: z.string().nullable(),
      }),
    ),
  })
  .openapi('Witnesses');

const checkpointsRoute = createRoute({
  method: 'get',
  path: '/v1/log/checkpoints',
  tags: ['transparency log'],
  summary: 'Signed checkpoints, newest first, each with the witnesses that cosigned it',
  request: {
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(500).default(50),
      before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional().openapi({
        description: 'Only checkpoints of a smaller tree size (the `nextBefore` of the previous page)',
      }),
    }),
  },
  responses: {
    200: { description: 'Checkpoints', content: { 'application/json': { schema: CheckpointHistorySchema } } },
  },
});

const witnessesRoute = createRoute({
  method: 'get',
  path: '/v1/log/witnesses',
  tags: ['transparency log'],
  summary: 'The witnesses asked to cosign this log and those that did, with the last size each cosigned',
  responses: {
    200: { description: 'Witnesses', content: { 'application/json': { schema: WitnessesSchema } } },
  },
});

/** `GET /v1/log/checkpoints` and `GET /v1/log/witnesses`: public, like every other log read. */
export function registerLogHistoryRoutes(app: ApiApp, log: () => TransparencyLog): void {
  app.openapi(checkpointsRoute, async (c) => {
    const { limit, before } = c.req.valid('query');
    const store = log().store;
    const page = await store.checkpointPage(limit + 1, before);
    const shown = page.slice(0, limit);
    const cosigs = await store.cosignaturesOf(shown.map((cp) => cp.size));
    return c.json(
      {
        checkpoints: shown.map((cp) => ({
          size: cp.size,
          rootHash: cp.rootHash.toString('hex'),
          createdAt: cp.createdAt,
          note: cp.note,
          cosignatures: cosigs
            .filter((s) => s.size === cp.size)
            .map(({ witness, line, createdAt }) => ({ witness, line, createdAt })),
        })),
        nextBefore: page.length > limit ? (shown.at(-1)?.size ?? null) : null,
      },
      200,
    );
  });
  app.openapi(witnessesRoute, async (c) => {
    const { witnesses, quorum } = log().witnessPolicy();
    const seen = await log().store.witnessSummary();
    const names = [...new Set([...witnesses.map((w) => w.name), ...seen.map((s) => s.witness)])].sort();
    return c.json(
      {
        quorum,
        witnesses: names.map((name) => {
          const configured = witnesses.find((w) => w.name === name);
          const cosigned = seen.find((s) => s.witness === name);
          return {
            name,
            verifierKey: configured?.verifierKey ?? null,
            url: configured?.url ?? null,
            lastCosignedSize: cosigned?.lastCosignedSize ?? 0,
            lastCosignedAt: cosigned?.lastCosignedAt ?? null,
          };
        }),
      },
      200,
    );
  });
}
