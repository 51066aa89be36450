package io.lethe.demo.sandbox;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Mailchimp's "batch subscribe or unsubscribe list members" ({@code POST /lists/{list_id}}): at most 500 members,
 * each with {@code email_address} and {@code status}. A 200 is not success per member: refusals are listed in
 * {@code errors} with Mailchimp's {@code error_code}. Without {@code update_existing} a member already in the list is
 * an error (ERROR_CONTACT_EXISTS).
 */
final class MailchimpBatch {

    private MailchimpBatch() {
    }

    static SandboxResponse apply(MailchimpLists lists, String list, JsonNode body, Map<String, Long> optedOutAt) {
        JsonNode members = body.path("members");
        if (!members.isArray()) {
            return MailchimpBehaviour.invalid("members", "Schema describes array, object found instead");
        }
        if (members.size() > MailchimpBehaviour.BATCH_MAX) {
            return MailchimpBehaviour.invalid("members", "Up to " + MailchimpBehaviour.BATCH_MAX
                    + " members may be added or updated with each API call");
        }
        if (body.has("update_existing") && !body.path("update_existing").isBoolean()) {
            return MailchimpBehaviour.invalid("update_existing", "Schema describes boolean");
        }
        boolean updateExisting = body.path("update_existing").asBoolean(false);
        ObjectNode answer = Json.object();
        ArrayNode created = answer.putArray("new_members");
        ArrayNode updated = answer.putArray("updated_members");
        ArrayNode errors = answer.putArray("errors");
        Set<String> seen = new HashSet<>();
        for (JsonNode m : members) {
            String email = m.path("email_address").asText("");
            String status = m.path("status").asText("");
            if (!Json.looksLikeEmail(email)) {
                error(errors, email, "Please provide a valid email address.", "ERROR_GENERIC", "email_address");
            } else if (!MailchimpBehaviour.STATUSES.contains(status)) {
                error(errors, email, "Invalid status: " + status, "ERROR_GENERIC", "status");
            } else if (!seen.add(email.toLowerCase(Locale.ROOT))) {
                error(errors, email, email + " appears more than once in this batch.", "ERROR_DUPLICATE", "email_address");
            } else {
                boolean exists = lists.member(list, MailchimpLists.hash(email)) != null;
                if (exists && !updateExisting) {
                    error(errors, email, email + " is already a list member. Use PUT to insert or update list members.",
                            "ERROR_CONTACT_EXISTS", "email_address");
                    continue;
                }
                ObjectNode member = lists.put(list, email, status);
                if (status.equals("unsubscribed")) {
                    optedOutAt.putIfAbsent(email.toLowerCase(Locale.ROOT), System.currentTimeMillis());
                }
                (exists ? updated : created).add(member);
            }
        }
        answer.put("total_created", created.size()).put("total_updated", updated.size())
                .put("error_count", errors.size());
        return SandboxResponse.json(200, answer.toString());
    }

    private static void error(ArrayNode errors, String email, String message, String code, String field) {
        errors.addObject().put("email_address", email).put("error", message).put("error_code", code)
                .put("field", field).put("field_message", message);
    }
}
