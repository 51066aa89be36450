package io.lethe.connectors.hooks;

import java.util.List;

/**
 * Java for what a connector file cannot say: builds the value of {@code ${hook}} in one operation's body template
 * (named by the operation's {@code hook:}). The file keeps the path, the envelope around {@code ${hook}}, the limits
 * and the error rules; a hook only computes. Implementations are stateless and thread-safe, and never log what they
 * are given (records and identities are personal data).
 */
public interface RequestBodyHook {

    /**
     * One value per HTTP call, in order: the engine makes one call per element, each with {@code ${hook}} bound to
     * it. A hook whose items have a per-call maximum ({@link HookContext#itemsMax()}, from the file) cuts by it, as
     * only the hook knows how many items the merge makes. Empty: no call (nothing to change).
     */
    List<Object> bodies(HookContext ctx);
}
