/** Remembers signatures already used, for as long as they could still be accepted. */
export interface ReplayStore {
  /** True the first time `id` is claimed within `ttlMs`; false for a replay. Rejects when the store is unreachable. */
  claim(id: string, ttlMs: number): Promise<boolean>;
}
