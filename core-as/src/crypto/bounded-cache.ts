// A Map kept to a fixed number of entries, least recently used evicted first: for values that are
// costly to derive from a key and asked for again and again (imported ed25519 keys, decoded BLS
// group keys, hashed beacon messages), where an unbounded map would grow with hostile input.

export class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}
