// The crash workspace's system and rental helpers, for benchmarks elsewhere that run the parts as processes.
export { ChildPart } from "./child-part.ts";
export { type Ending, type RentalRecord, type RentalSpec, rent, waitFor } from "./rentals.ts";
export {
  BLOCK_MS,
  type CrashSystem,
  type EnvOverrides,
  PERIOD_SECONDS,
  prepareCrashSystem,
} from "./system.ts";
