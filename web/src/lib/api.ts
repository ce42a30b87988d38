import { MarketplaceClient, type MarketplaceStatus } from "@gpuc/sdk";

/**
 * The marketplace this page talks to: the origin that served it (production and `npm start`), or the dev server,
 * which proxies `/api` to a running marketplace.
 */
export const market = new MarketplaceClient({ baseUrl: window.location.origin, retry: { attempts: 2 } });

/** Query keys, one home: invalidations name the same arrays the queries use. */
export const keys = {
  status: ["status"] as const,
  gpus: (search: Record<string, string>) => ["gpus", search] as const,
  gpu: (id: string) => ["gpu", id] as const,
  provider: (id: string) => ["provider", id] as const,
  instances: (address: string) => ["instances", address] as const,
  instance: (id: string) => ["instance", id] as const,
  receipts: (instanceId: string) => ["receipts", instanceId] as const,
  balances: (address: string) => ["balances", address] as const,
  orders: (address: string) => ["orders", address] as const,
};

export type { MarketplaceStatus };
