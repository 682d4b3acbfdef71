// Coalesces lookups that arrive together into one query. Terraform refreshes up to -parallelism
// resources at once, each in its own RPC; without this every tenant costs its own round trips.
//
// At most one load runs at a time: keys asked for while one is in flight wait for it and go out
// together in the next. A fixed window alone caught ~2 keys per query in a 1,000-tenant plan (the
// RPCs arrive staggered), so the plan paid ~2 queries per tenant; waiting out the query in flight
// lets a batch grow to whatever arrived meanwhile, at the cost of at most one extra round trip.
export class Batcher<K, V> {
  private pending = new Map<K, { resolve: (v: V) => void; reject: (e: unknown) => void }[]>();
  private scheduled = false;
  private inFlight = false;

  constructor(
    private readonly load: (keys: K[]) => Promise<Map<K, V>>,
    private readonly missing: V,
    private readonly windowMs = 2,
    /** Keys per load (the size of an `IN (…)` list). */
    private readonly maxBatch = 1000,
  ) {}

  get(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const waiters = this.pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (!this.scheduled && !this.inFlight) {
        this.scheduled = true;
        setTimeout(() => void this.flush(), this.windowMs);
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    let batch = this.pending;
    if (batch.size > this.maxBatch) {
      const keys = [...batch.keys()].slice(0, this.maxBatch);
      batch = new Map(keys.map((k) => [k, this.pending.get(k)!]));
      for (const k of keys) this.pending.delete(k);
    } else {
      this.pending = new Map();
    }
    this.inFlight = true;
    try {
      const found = await this.load([...batch.keys()]);
      for (const [key, waiters] of batch) for (const w of waiters) w.resolve(found.has(key) ? found.get(key)! : this.missing);
    } catch (err) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
    } finally {
      this.inFlight = false;
      // Whatever arrived meanwhile has waited long enough: send it now.
      if (this.pending.size > 0) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    }
  }
}
