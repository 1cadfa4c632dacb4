/**
 * The hub API's sign-in: roles, who a token belongs to, one-time sign-in links. Shared by the hub and the
 * dashboard (types only there).
 */
import { z } from 'zod';

/** What a token may do; each role includes the ones before it (viewer ⊂ qc-lead ⊂ engineer ⊂ admin). */
export const ApiRole = z.enum(['viewer', 'qc-lead', 'engineer', 'admin']);

/** `GET /api/auth/session`: who the request's token belongs to. */
export const AuthSession = z.object({
  name: z.string().describe('the name the token was created with (`sightline-hub tokens add --name`)'),
  role: ApiRole,
  token: z.string().describe('token id (the public part); `sightline-hub tokens revoke ID` ends it'),
  expires: z.number().nullable().describe('epoch ms when the token stops working; null: never'),
});

/** `POST /api/auth/redeem`: a one-time sign-in code (from `sightline-hub tokens link`) for a token. */
export const RedeemRequest = z.strictObject({ code: z.string().min(1).max(200) });
export const RedeemResponse = AuthSession.extend({
  secret: z.string().describe('the new API token; send it as `Authorization: Bearer <secret>`'),
});

export type ApiRole = z.infer<typeof ApiRole>;
export type AuthSession = z.infer<typeof AuthSession>;
export type RedeemRequest = z.infer<typeof RedeemRequest>;
export type RedeemResponse = z.infer<typeof RedeemResponse>;
