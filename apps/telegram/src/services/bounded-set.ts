/** A set that forgets its oldest entries past a size: enough to drop duplicates without growing forever. */
export class BoundedSet<T> {
  private readonly items = new Set<T>();
  constructor(private readonly max = 500) {}

  has(value: T): boolean {
    return this.items.has(value);
  }

  delete(value: T): void {
    this.items.delete(value);
  }

  add(value: T): void {
    this.items.add(value);
    if (this.items.size > this.max) this.items.delete(this.items.values().next().value as T);
  }
}
