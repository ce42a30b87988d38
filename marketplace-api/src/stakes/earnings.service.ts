import { assert } from "@gpuc/platform/http";
import type { Earnings, ExecutorStatus } from "@gpuc/sdk";
import { type NetworkName, p2pkTree } from "../chain/address.ts";
import { instanceIdOf } from "../chain/gateway.ts";
import type { Clock } from "../core/clock.ts";
import type { Principal } from "../core/route.ts";
import type { ProviderRow, ProvidersRepository } from "../providers/providers.repository.ts";
import type { EarningsRepository, PayoutRow } from "./earnings.repository.ts";

export interface EarningsDeps {
  repo: EarningsRepository;
  providers: ProvidersRepository;
  clock: Clock;
  network: NetworkName;
  heartbeatIntervalS: number;
}

const DAY_MS = 86_400_000;

/** A provider's dashboard figures: earnings from the indexed escrow payouts, and its executor's heartbeats. */
export class EarningsService {
  constructor(private readonly d: EarningsDeps) {}

  /** Every payout (claims and closes) to the provider's key, newest first, and their sums per UTC day. */
  async earnings(principal: Principal, providerId: string): Promise<Earnings> {
    const row = await this.d.providers.find(providerId);
    assert(
      row && row.owner_address === principal.address,
      404,
      `Provider ${providerId} not found among yours`,
    );
    const payouts = (await this.d.repo.payouts(p2pkTree(row.owner_address, this.d.network))).map(toPayout);
    const days = new Map<string, { gpuc: bigint; payouts: number }>();
    for (const payout of payouts) {
      const day = payout.at.slice(0, 10);
      const sum = days.get(day) ?? { gpuc: 0n, payouts: 0 };
      days.set(day, { gpuc: sum.gpuc + BigInt(payout.gpuc), payouts: sum.payouts + 1 });
    }
    return {
      providerId,
      total: payouts.reduce((sum, payout) => sum + BigInt(payout.gpuc), 0n).toString(),
      days: [...days]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([day, sum]) => ({ day, gpuc: sum.gpuc.toString(), payouts: sum.payouts })),
      payouts,
    };
  }

  async executor(providerId: string): Promise<ExecutorStatus> {
    const row = await this.d.providers.find(providerId);
    assert(row, 404, `Provider ${providerId} not found`);
    const intervalS = this.d.heartbeatIntervalS;
    const days = await this.d.repo.uptime(providerId, intervalS);
    return {
      providerId,
      online: row.online,
      lastHeartbeatAt: row.last_heartbeat_at?.toISOString() ?? null,
      executorUrl: row.executor_url,
      reliability: row.reliability,
      heartbeatIntervalS: intervalS,
      uptime: days.map(({ day, intervals }) => {
        const expected = this.#expected(row, new Date(`${day}T00:00:00Z`), intervalS);
        const covered = Number(intervals);
        return { day, intervals: covered, expected, uptime: Math.min(1, covered / expected) };
      }),
    };
  }

  /** Intervals in the part of `day` the provider existed, up to now. */
  #expected(row: ProviderRow, day: Date, intervalS: number): number {
    const from = Math.max(day.getTime(), row.created_at.getTime());
    const to = Math.min(day.getTime() + DAY_MS, this.d.clock.now().getTime());
    return Math.max(1, Math.ceil((to - from) / 1000 / intervalS));
  }
}

function toPayout(row: PayoutRow): Earnings["payouts"][number] {
  // R7 is a Coll[Byte] of 16 bytes: 0e10 then the rental id.
  const rentalId = row.rental_register?.startsWith("0e10") ? row.rental_register.slice(4) : undefined;
  return {
    txId: row.tx_id,
    kind: row.recreated ? "claim" : "close",
    escrowBoxId: row.escrow_box_id,
    instanceId: (rentalId && instanceIdOf(rentalId)) ?? null,
    gpuc: row.gpuc.toString(),
    height: row.height,
    at: new Date(Number(row.timestamp)).toISOString(),
  };
}
