import { roomDefects, seedParts, wrapStep, type WhereActs } from '../defects.ts';
import { CONTRACT_ACL, NS_LEVEL, cloudMaySubscribe, type AclRules } from './acl.ts';

// Any gateway's `cmd` (one id or `+`), in any namespace: what an open ACL lets a gateway read.
const ANY_CMD_FILTER = new RegExp(`^${NS_LEVEL}kexin\\/v1\\/gw\\/(\\+|[1-9]\\d{0,9})\\/cmd$`);

/**
 * Where each of the broker's seeded defects (`sim/defects.ts`, room `broker`) acts: on a copy of the
 * contract's ACL rules (acl.ts), so the rules name no defect (DESIGN §4 security is what they break).
 */
const ACTS: WhereActs<'broker', AclRules> = {
  'broker-acl-open': (rules) => wrapStep(rules, 'gatewaySubscribe', () => (_apId, filter) => ANY_CMD_FILTER.test(filter)),
  'broker-anonymous': (rules) => {
    wrapStep(rules, 'anonymous', () => () => ({ ok: true, identity: { kind: 'anonymous' } }));
    // Let in, it reads what the cloud reads.
    wrapStep(rules, 'anonymousSubscribe', () => cloudMaySubscribe);
  },
};

/** The ACL rules of a broker seeded with `defects` (other rooms' names ignored, unknown ones refused). */
export function aclRules(defects: readonly string[] = []): AclRules {
  if (defects.length === 0) return CONTRACT_ACL;
  const rules = { ...CONTRACT_ACL };
  seedParts('broker', roomDefects('broker', defects), ACTS, rules);
  return rules;
}
