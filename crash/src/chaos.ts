import { setTimeout as sleep } from "node:timers/promises";
import type { Devnet } from "@gpuc/devnet";
import type { ChildPart, Death } from "./child-part.ts";

/** What the chaos did, for the printed counts. */
export interface ChaosCounts {
  /** Deaths at each crash point, and `external:<part>` for SIGKILLs sent from outside. */
  readonly kills: Record<string, number>;
  restarts: number;
  rollbacks: number;
  /** Blocks undone by all rollbacks. */
  rolledBackBlocks: number;
  /** Starts that failed (a crash while starting counts as a death and is restarted too). */
  failedStarts: number;
}

/**
 * Keeps one part running: starts it armed at the next crash point of its plan, and when it dies (at the point,
 * or killed from outside) starts it again on the same database and data dir, armed at the next point. A point
 * not reached stays armed until it is.
 */
export class Keeper {
  readonly #part: ChildPart;
  readonly #plan: string[];
  readonly #counts: ChaosCounts;
  #held = false;
  #done: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(part: ChildPart, plan: readonly string[], counts: ChaosCounts) {
    this.#part = part;
    this.#plan = [...plan];
    this.#counts = counts;
  }

  get part(): ChildPart {
    return this.#part;
  }

  /** Crash points of the plan not reached yet. */
  get pending(): readonly string[] {
    return this.#part.armed ? [this.#part.armed, ...this.#plan] : [...this.#plan];
  }

  /** Arms these points next (before the rest of the plan). */
  arm(points: readonly string[]): void {
    this.#plan.unshift(...points);
  }

  async start(): Promise<void> {
    await this.#startOnce();
    this.#done = this.#loop();
  }

  /** Kills the part from outside and keeps it down until `release()`. */
  async holdDown(): Promise<void> {
    this.#held = true;
    await this.#part.kill();
  }

  release(): void {
    this.#held = false;
  }

  /** Stops restarting and stops the part cleanly. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#held = false;
    await this.#part.stop();
    await this.#done;
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      const death = await this.#part.exited;
      if (!death || this.#stopped) return;
      this.#record(death);
      while (this.#held && !this.#stopped) await sleep(200);
      if (this.#stopped) return;
      await this.#startOnce();
      this.#counts.restarts++;
    }
  }

  #record(death: Death): void {
    const key = death.point ?? (death.external ? `external:${this.#part.name}` : `exit:${this.#part.name}`);
    this.#counts.kills[key] = (this.#counts.kills[key] ?? 0) + 1;
  }

  /** Starts with the next point armed; a death before READY is recorded and the start tried again. */
  async #startOnce(): Promise<void> {
    for (;;) {
      const armed = this.#plan.shift();
      try {
        await this.#part.start(armed);
        return;
      } catch (error) {
        const death = await this.#part.exited;
        if (death?.point) {
          this.#record(death);
        } else {
          this.#counts.failedStarts++;
          if (armed) this.#plan.unshift(armed);
          if (this.#counts.failedStarts > 10) throw error;
        }
        this.#counts.restarts++;
      }
    }
  }
}

/** Until `until` resolves: every `everyMs` (± half), SIGKILL one live part chosen at random from outside. */
export async function randomKills(
  keepers: readonly Keeper[],
  everyMs: number,
  until: Promise<unknown>,
): Promise<void> {
  let over = false;
  void until.finally(() => {
    over = true;
  });
  while (!over) {
    await sleep(everyMs / 2 + Math.random() * everyMs);
    if (over) return;
    // A part still starting is left alone: its start is retried with the same point anyway.
    const alive = keepers.filter((keeper) => keeper.part.ready);
    const victim = alive[Math.floor(Math.random() * alive.length)];
    // An armed process killed from outside re-arms its point on restart (the plan keeps it).
    if (victim?.part.armed) victim.arm([victim.part.armed]);
    await victim?.part.kill();
  }
}

/**
 * Until `until` resolves: every `everyMs` (± half), the last 1–5 blocks are replaced by a longer competing chain
 * (the devnet's reorg: their transactions confirm again one block above the old tip, under new block ids).
 */
export async function randomRollbacks(
  devnet: Devnet,
  counts: ChaosCounts,
  everyMs: number,
  until: Promise<unknown>,
): Promise<void> {
  let over = false;
  void until.finally(() => {
    over = true;
  });
  while (!over) {
    await sleep(everyMs / 2 + Math.random() * everyMs);
    if (over) return;
    const blocks = 1 + Math.floor(Math.random() * 5);
    await devnet.reorg(blocks);
    counts.rollbacks++;
    counts.rolledBackBlocks += blocks;
  }
}
