package io.lethe.connectors.hooks;

import java.util.List;
import java.util.Map;

import io.lethe.connectors.VendorAdapter;

/**
 * What a {@link RequestBodyHook} is given, all of it from the dispatch batch and the connector file.
 *
 * @param operation    the operation being run ({@code optOut}, {@code optIn}, ...)
 * @param targets      the batch: command, purpose, identities, changes
 * @param records      what the operation's {@code lookup} captured, each with {@code identity} (the identity it was
 *                     found for) and the fields of the look-up's {@code capture}
 * @param purposeFields per purpose, the vendor fields the file's {@code purposes} section maps it to
 * @param settings     the connector's resolved parameters (secrets included: never log them)
 * @param itemsMax     the operation's per-call maximum of body items ({@code itemsMax}); 0 when none
 */
public record HookContext(String operation, List<VendorAdapter.Target> targets, List<Map<String, Object>> records,
        Map<String, List<String>> purposeFields, Map<String, String> settings, int itemsMax) {
}
