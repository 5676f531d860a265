/** Client ids one identity may keep bound at once; past that its oldest binding is released. */
export const DEFAULT_IDS_PER_IDENTITY = 16;

/**
 * Which identity each client id is bound to (acl.ts authorizeClientId). A binding outlives the
 * connection, so an id cannot be squatted while its owner is down. Bounded per identity, so one
 * client cannot grow the table without end, nor evict another identity's bindings.
 */
export class ClientIdBindings {
  private readonly owners = new Map<string, string>();
  private readonly byIdentity = new Map<string, string[]>();

  constructor(private readonly idsPerIdentity = DEFAULT_IDS_PER_IDENTITY) {}

  /** The identity key that bound this client id, if any. */
  ownerOf(clientId: string): string | undefined {
    return this.owners.get(clientId);
  }

  /** Bind a client id to an identity key (its owner, as checked before). */
  bind(clientId: string, identityKey: string): void {
    if (this.owners.get(clientId) === identityKey) return;
    const ids = this.byIdentity.get(identityKey) ?? [];
    ids.push(clientId);
    if (ids.length > this.idsPerIdentity) this.owners.delete(ids.shift()!);
    this.byIdentity.set(identityKey, ids);
    this.owners.set(clientId, identityKey);
  }
}
