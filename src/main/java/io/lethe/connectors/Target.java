package io.lethe.connectors;

import java.util.List;
import java.util.Map;

/**
 * One person in a batch for a vendor: the command, the identities the register holds for the subject (e-mail
 * addresses; external ids for analytics tools), a rectification's corrected fields, and the request's regulation.
 * Personal data: never logged.
 */
public record Target(long commandId, String subjectId, String action, String purpose, List<String> emails,
        List<String> externalIds, Map<String, String> changes, String requestId, String regulation) {

    public Target(long commandId, String subjectId, String purpose, List<String> emails) {
        this(commandId, subjectId, "opt_out", purpose, emails, List.of(), Map.of(), null, null);
    }

    /**
     * The identities a connector finds people by ({@code email}, {@code external_id}); for {@code any} (in-house
     * systems, which get every identity in the body) one key standing for the command.
     */
    public List<String> identities(String kind) {
        return switch (kind) {
            case "external_id" -> externalIds;
            case "any" -> emails.isEmpty() && externalIds.isEmpty() ? List.of() : List.of("command-" + commandId);
            default -> emails;
        };
    }
}
