// One recursive listing of a backup root, kept as a key → object map so discovery and completeness checks need no
// further LIST or HEAD requests.

import type { ObjectInfo, ObjectStore } from '../storage/object-store.ts';

export class Listing {
  private constructor(
    readonly root: string,
    readonly objects: Map<string, ObjectInfo>,
  ) {}

  static async of(store: ObjectStore, root: string): Promise<Listing> {
    const prefix = root ? `${root}/` : '';
    const objects = new Map<string, ObjectInfo>();
    for await (const info of store.list(prefix)) objects.set(info.key, info);
    return new Listing(root, objects);
  }

  get(key: string): ObjectInfo | undefined {
    return this.objects.get(key);
  }

  /** Keys relative to the root, split on `/`, with the object. */
  *relative(): Iterable<{ parts: string[]; info: ObjectInfo }> {
    const cut = this.root ? this.root.length + 1 : 0;
    for (const info of this.objects.values()) yield { parts: info.key.slice(cut).split('/'), info };
  }

  /** Absolute key of a path relative to the root. */
  key(...parts: string[]): string {
    return [this.root, ...parts].filter((p) => p.length > 0).join('/');
  }
}
