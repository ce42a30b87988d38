import { GPU_SORTS, modelKey, type SearchQuery } from "@gpuc/sdk";
import type { GpuRow } from "./gpu-row.ts";

type Sort = SearchQuery["sort"];

/** Bits of `#flags`: a free slot has none, so it never matches (every search requires LISTED). */
const LISTED = 1;
/** Online and not rented (the `available` filter). */
const AVAILABLE = 2;
/** Verification pending or verified: shown unless `include_unverified`. */
const SHOWN = 4;

/** Remembered totals at most (distinct filters between two changes); past it they are forgotten all at once. */
const MAX_TOTALS = 1024;

/** Strings numbered in the order first seen: a column holds the number, a query compares numbers. */
class Interned {
  readonly values: string[] = [];
  readonly #ids = new Map<string, number>();

  id(value: string): number {
    let id = this.#ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.#ids.set(value, id);
    }
    return id;
  }

  find(value: string): number | undefined {
    return this.#ids.get(value);
  }
}

/**
 * A search's filters as plain numbers, each with a value that lets every row through when the query leaves it
 * unset, so the scan is one comparison per column and no branch on the query.
 */
interface Filter {
  /** The filters as text: what a remembered total is found by. */
  readonly key: string;
  readonly flags: number;
  readonly minVram: number;
  readonly minCount: number;
  /** The price bound as a double (rounded); a row priced at exactly this double is compared as bigint. */
  readonly maxPrice: number;
  readonly maxPriceExact: bigint;
  /** -1: any region. */
  readonly region: number;
  /** By model id: 1 where the model's key contains `gpu_name`'s; undefined: any model. */
  readonly models: Uint8Array | undefined;
  readonly minReliability: number;
}

/**
 * Every offer as a slot in typed-array columns, with one array of slots per search order, so a search walks
 * numbers rather than objects: the filters are compared column by column, the page is the first matching slots
 * of its order, and the total a count over the columns in slot order (sequential memory). The row objects are kept
 * only to hand back the page.
 *
 * Exactness: prices are bigint; the column holds them as doubles, which round monotonically, so a double
 * comparison decides every case but a tie, and a tie is decided on the row's bigint. Orders are kept by the same
 * total comparisons as the SQL's ORDER BY (the id breaks ties).
 */
export class OfferColumns {
  #rows: (GpuRow | undefined)[] = [];
  readonly #slots = new Map<string, number>();
  #free: number[] = [];
  #capacity = 0;
  #flags = new Uint8Array(0);
  #price = new Float64Array(0);
  #reliability = new Float64Array(0);
  #perTflops = new Float64Array(0);
  /** NaN where not measured (NULL). */
  #perMeasured = new Float64Array(0);
  #vram = new Int32Array(0);
  #count = new Int32Array(0);
  #region = new Int32Array(0);
  #model = new Int32Array(0);
  #regions = new Interned();
  #models = new Interned();
  /** Per order, the live slots in that order: the first `#slots.size` entries. */
  #orders = new Map<Sort, Int32Array>();
  /** How many offers match, by filter (`Filter.key`), since the last change. */
  readonly #totals = new Map<string, number>();
  readonly #compare: Record<Sort, (a: number, b: number) => number>;

  readonly #rememberTotals: boolean;

  /** `rememberTotals: false` counts every search's total afresh (the benchmark's figure for a search after a change). */
  constructor(options: { readonly rememberTotals?: boolean } = {}) {
    this.#rememberTotals = options.rememberTotals ?? true;
    const byId = (a: number, b: number) => {
      const x = this.#rows[a]!.id;
      const y = this.#rows[b]!.id;
      return x < y ? -1 : x > y ? 1 : 0;
    };
    const byPrice = (a: number, b: number) => {
      const x = this.#price[a]!;
      const y = this.#price[b]!;
      if (x !== y) return x < y ? -1 : 1;
      const p = this.#rows[a]!.price_per_hour;
      const q = this.#rows[b]!.price_per_hour;
      return p < q ? -1 : p > q ? 1 : 0;
    };
    const nullsLast = (x: number, y: number) =>
      Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : Number.isNaN(y) ? -1 : x - y;
    this.#compare = {
      price: (a, b) => byPrice(a, b) || byId(a, b),
      "-price": (a, b) => byPrice(b, a) || byId(b, a),
      reliability: (a, b) => this.#reliability[b]! - this.#reliability[a]! || byId(a, b),
      price_per_performance: (a, b) => this.#perTflops[a]! - this.#perTflops[b]! || byId(a, b),
      price_per_measured_tflops: (a, b) =>
        nullsLast(this.#perMeasured[a]!, this.#perMeasured[b]!) || byId(a, b),
    };
    this.load([]);
  }

  get size(): number {
    return this.#slots.size;
  }

  /** Replaces everything with `rows` (the first load, a resync). */
  load(rows: readonly GpuRow[]): void {
    this.#totals.clear();
    this.#rows = [];
    this.#slots.clear();
    this.#free = [];
    this.#regions = new Interned();
    this.#models = new Interned();
    this.#orders.clear();
    this.#capacity = 0;
    this.#allocate(Math.max(1024, rows.length));
    rows.forEach((row, slot) => {
      this.#rows[slot] = row;
      this.#slots.set(row.id, slot);
      this.#write(slot, row);
    });
    for (let slot = this.#capacity - 1; slot >= rows.length; slot--) this.#free.push(slot);
    const all = Array.from(rows, (_, slot) => slot);
    for (const sort of GPU_SORTS) {
      const order = new Int32Array(this.#capacity);
      order.set(all.sort(this.#compare[sort]));
      this.#orders.set(sort, order);
    }
  }

  /** Puts `row` in place of the offer `id` (undefined: the offer is gone), in the columns and in every order. */
  replace(id: string, row: GpuRow | undefined): void {
    this.#totals.clear();
    const old = this.#slots.get(id);
    if (old !== undefined) {
      for (const sort of GPU_SORTS) this.#unlink(sort, old);
      this.#slots.delete(id);
      this.#rows[old] = undefined;
      this.#flags[old] = 0;
      this.#free.push(old);
    }
    if (!row) return;
    if (this.#free.length === 0) this.#allocate(this.#capacity * 2);
    const slot = this.#free.pop()!;
    this.#rows[slot] = row;
    this.#write(slot, row);
    // Linked into the orders before it counts in `size`: each order's live prefix grows by this slot.
    for (const sort of GPU_SORTS) this.#link(sort, slot);
    this.#slots.set(id, slot);
  }

  /** The page of offers matching `query` in its order, and how many match in all. */
  search(query: SearchQuery): { rows: GpuRow[]; total: number } {
    const filter = this.#filter(query);
    if (!filter) return { rows: [], total: 0 };
    const total = this.#total(filter);
    const offset = (query.page - 1) * query.limit;
    const rows: GpuRow[] = [];
    if (offset >= total) return { rows, total };
    const matches = this.#matcher(filter);
    const order = this.#orders.get(query.sort)!;
    const size = this.#slots.size;
    let seen = 0;
    for (let i = 0; i < size && rows.length < query.limit; i++) {
      const slot = order[i]!;
      if (!matches(slot)) continue;
      if (seen++ >= offset) rows.push(this.#rows[slot]!);
    }
    return { rows, total };
  }

  /**
   * How many offers match: remembered per filter until the next change, since the same few searches (the
   * marketplace's default page, its common filters) come again and again between changes, and a count is a scan
   * of every slot where a page is a walk of its first matches.
   */
  #total(filter: Filter): number {
    let total = this.#totals.get(filter.key);
    if (total !== undefined) return total;
    total = 0;
    const matches = this.#matcher(filter);
    for (let slot = 0; slot < this.#capacity; slot++) if (matches(slot)) total++;
    if (!this.#rememberTotals) return total;
    if (this.#totals.size >= MAX_TOTALS) this.#totals.clear();
    this.#totals.set(filter.key, total);
    return total;
  }

  /** The query's filters as numbers; undefined when it names a region or model no offer has (nothing matches). */
  #filter(query: SearchQuery): Filter | undefined {
    const region = query.region === undefined ? -1 : this.#regions.find(query.region);
    if (region === undefined) return undefined;
    let models: Uint8Array | undefined;
    if (query.gpu_name !== undefined) {
      // Few distinct models: the substring match is made once per model, not once per offer.
      const key = modelKey(query.gpu_name);
      models = Uint8Array.from(this.#models.values, (model) => (model.includes(key) ? 1 : 0));
    }
    const maxPriceExact = query.max_price === undefined ? -1n : BigInt(query.max_price);
    const { sort: _sort, page: _page, limit: _limit, ...filters } = query;
    return {
      key: JSON.stringify(filters),
      flags: LISTED | (query.available ? AVAILABLE : 0) | (query.include_unverified ? 0 : SHOWN),
      minVram: query.min_vram ?? Number.NEGATIVE_INFINITY,
      minCount: query.num_gpus ?? Number.NEGATIVE_INFINITY,
      maxPrice: query.max_price === undefined ? Number.POSITIVE_INFINITY : Number(maxPriceExact),
      maxPriceExact,
      region,
      models,
      minReliability: query.min_reliability ?? Number.NEGATIVE_INFINITY,
    };
  }

  /** One predicate per search over the slot's columns (the same as `searchSql`'s WHERE; a spec holds them equal). */
  #matcher(f: Filter): (slot: number) => boolean {
    const flags = this.#flags;
    const vram = this.#vram;
    const count = this.#count;
    const price = this.#price;
    const region = this.#region;
    const model = this.#model;
    const reliability = this.#reliability;
    const rows = this.#rows;
    const { models, maxPrice, maxPriceExact } = f;
    const anyRegion = f.region < 0;
    const anyReliability = f.minReliability === Number.NEGATIVE_INFINITY;
    return (slot) =>
      (flags[slot]! & f.flags) === f.flags &&
      vram[slot]! >= f.minVram &&
      count[slot]! >= f.minCount &&
      (price[slot]! < maxPrice ||
        (price[slot] === maxPrice && rows[slot]!.price_per_hour <= maxPriceExact)) &&
      (anyRegion || region[slot] === f.region) &&
      (models === undefined || models[model[slot]!] === 1) &&
      (anyReliability || reliability[slot]! >= f.minReliability);
  }

  #write(slot: number, row: GpuRow): void {
    this.#flags[slot] =
      (row.listed ? LISTED : 0) |
      (row.online && row.rented_by === null ? AVAILABLE : 0) |
      (row.verification === "pending" || row.verification === "verified" ? SHOWN : 0);
    this.#price[slot] = Number(row.price_per_hour);
    this.#reliability[slot] = row.reliability;
    this.#perTflops[slot] = row.price_per_tflops;
    this.#perMeasured[slot] = row.price_per_measured_tflops ?? Number.NaN;
    this.#vram[slot] = row.vram_gb;
    this.#count[slot] = row.count;
    this.#region[slot] = this.#regions.id(row.region);
    this.#model[slot] = this.#models.id(row.model_key);
  }

  /** Grows every column (and order) to `capacity` slots, keeping what they hold; the new slots are free. */
  #allocate(capacity: number): void {
    const grow = <T extends Uint8Array | Int32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      // Only what the live slots hold is kept (a reload starts from nothing: `#capacity` is 0 then).
      next.set(old.subarray(0, Math.min(start, capacity)));
      return next;
    };
    const start = this.#capacity;
    this.#flags = grow(this.#flags, (n) => new Uint8Array(n));
    this.#price = grow(this.#price, (n) => new Float64Array(n));
    this.#reliability = grow(this.#reliability, (n) => new Float64Array(n));
    this.#perTflops = grow(this.#perTflops, (n) => new Float64Array(n));
    this.#perMeasured = grow(this.#perMeasured, (n) => new Float64Array(n));
    this.#vram = grow(this.#vram, (n) => new Int32Array(n));
    this.#count = grow(this.#count, (n) => new Int32Array(n));
    this.#region = grow(this.#region, (n) => new Int32Array(n));
    this.#model = grow(this.#model, (n) => new Int32Array(n));
    for (const [sort, order] of this.#orders)
      this.#orders.set(
        sort,
        grow(order, (n) => new Int32Array(n)),
      );
    this.#capacity = capacity;
    if (start > 0) for (let slot = capacity - 1; slot >= start; slot--) this.#free.push(slot);
  }

  /** Where `slot` goes in `sort`'s order: the first position not before it (binary search on the columns). */
  #position(sort: Sort, slot: number): number {
    const order = this.#orders.get(sort)!;
    const compare = this.#compare[sort];
    let low = 0;
    let high = this.#slots.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(order[mid]!, slot) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Removes `slot` from `sort`'s order (while its columns still hold the values it was placed by). */
  #unlink(sort: Sort, slot: number): void {
    const order = this.#orders.get(sort)!;
    const at = this.#position(sort, slot);
    order.copyWithin(at, at + 1, this.#slots.size);
  }

  /** Inserts `slot` in `sort`'s order; the live prefix is one longer afterwards. */
  #link(sort: Sort, slot: number): void {
    const order = this.#orders.get(sort)!;
    const at = this.#position(sort, slot);
    order.copyWithin(at + 1, at, this.#slots.size);
    order[at] = slot;
  }
}
