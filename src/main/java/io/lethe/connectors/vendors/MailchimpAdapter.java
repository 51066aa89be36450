package io.lethe.connectors.vendors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.connectors.Connector;
import io.lethe.connectors.VendorAdapter;
import io.lethe.connectors.VendorException;
import io.lethe.connectors.VendorText;
import io.lethe.connectors.VendorHttp;

/**
 * Mailchimp: members live per list (audience), so every configured list gets the batch. {@code POST /lists/{id}}
 * with {@code update_existing: true} sets each member to unsubscribed; an address not yet in the list is added as
 * unsubscribed, which also stops a later import from subscribing it. A 200 is not success per member: the
 * {@code errors} array is read. Dispatch calls one list at a time, far under the 10-connection limit.
 */
public final class MailchimpAdapter implements VendorAdapter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final VendorHttp http;

    public MailchimpAdapter(VendorHttp http) {
        this.http = http;
    }

    static List<String> listIds(Connector connector) {
        List<String> ids = new ArrayList<>();
        for (String id : connector.resolve(connector.descriptor().operation("optOut").each()).split(",")) {
            if (!id.isBlank()) {
                ids.add(id.strip());
            }
        }
        return ids;
    }

    @Override
    public List<TargetOutcome> optOut(Connector connector, List<Target> targets) {
        return setStatus(connector, targets, "unsubscribed");
    }

    /** Opt-in as "pending": Mailchimp then sends its own double opt-in confirmation; nobody is subscribed outright. */
    @Override
    public List<TargetOutcome> optIn(Connector connector, List<Target> targets) {
        return setStatus(connector, targets, "pending");
    }

    @Override
    public boolean canPushOptIns() {
        return true;
    }

    /**
     * {@code delete-permanent} in every list (a plain DELETE only archives), then a read of each member: gone
     * everywhere is {@code verified}.
     */
    @Override
    public List<TargetOutcome> erase(Connector connector, List<Target> targets) {
        var op = connector.descriptor().operation("erase");
        var read = connector.descriptor().operation("readBack");
        List<TargetOutcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            boolean held = false;
            boolean present = false;
            for (String listId : listIds(connector)) {
                for (String email : t.emails()) {
                    String hash = subscriberHash(email);
                    String url = connector.resolve(op.endpoint()).replace("{listId}", listId).replace("{subscriberHash}", hash);
                    VendorHttp.Response r = http.call(op.method(), url, connector.authorization(op), null);
                    if (r.status() != 404) {
                        http.expectSuccess(r, "Mailchimp delete-permanent");
                        held = true;
                    }
                    String readUrl = connector.resolve(read.endpoint()).replace("{listId}", listId)
                            .replace("{subscriberHash}", hash);
                    VendorHttp.Response back = http.call(read.method(), readUrl, connector.authorization(read), null);
                    if (back.status() != 404) {
                        http.expectSuccess(back, "Mailchimp member read-back");
                        present = true;
                    }
                }
            }
            outcomes.add(present ? TargetOutcome.of(t.commandId(), "still_present", 200, "Mailchimp still returns the member")
                    : held ? TargetOutcome.of(t.commandId(), "verified", 204, "deleted permanently in "
                            + listIds(connector).size() + " list(s); read-back finds no member")
                    : TargetOutcome.notFound(t.commandId(), 404, "not a member of any configured list"));
        }
        return outcomes;
    }

    /** Rectification: the member's address and merge fields, in every list that holds it. */
    @Override
    public List<TargetOutcome> rectify(Connector connector, List<Target> targets) {
        var op = connector.descriptor().operation("rectify");
        List<TargetOutcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            ObjectNode body = JSON.createObjectNode();
            if (t.changes().containsKey("email")) {
                body.put("email_address", t.changes().get("email"));
            }
            ObjectNode merge = JSON.createObjectNode();
            java.util.Map<String, String> fields = java.util.Map.of("firstName", "FNAME", "lastName", "LNAME",
                    "phone", "PHONE");
            t.changes().forEach((k, v) -> {
                if (fields.containsKey(k)) {
                    merge.put(fields.get(k), v);
                }
            });
            if (!merge.isEmpty()) {
                body.set("merge_fields", merge);
            }
            int updated = 0;
            for (String listId : listIds(connector)) {
                for (String email : t.emails()) {
                    String url = connector.resolve(op.endpoint()).replace("{listId}", listId)
                            .replace("{subscriberHash}", subscriberHash(email));
                    VendorHttp.Response r = http.call(op.method(), url, connector.authorization(op), body.toString());
                    if (r.status() != 404) {
                        http.expectSuccess(r, "Mailchimp member update");
                        updated++;
                    }
                }
            }
            outcomes.add(updated > 0 ? TargetOutcome.of(t.commandId(), "completed", 200, "updated in " + updated + " list(s)")
                    : TargetOutcome.notFound(t.commandId(), 404, "not a member of any configured list"));
        }
        return outcomes;
    }

    /**
     * Reconciliation: the members of every configured list, 1000 per page, only the fields needed; an incremental
     * run asks only for members changed since the last one ({@code since_last_changed}).
     */
    @Override
    public void pull(Connector connector, java.time.Instant since,
            java.util.function.Consumer<List<io.lethe.connectors.VendorContact>> page) {
        var op = connector.descriptor().operation("readState");
        for (String listId : listIds(connector)) {
            int offset = 0;
            while (true) {
                String url = connector.resolve(op.endpoint()).replace("{listId}", listId)
                        + "?count=1000&offset=" + offset
                        + "&fields=members.email_address,members.status,total_items"
                        + (since == null ? "" : "&since_last_changed=" + sinceLastChanged(since));
                VendorHttp.Response r = http.expectSuccess(http.call(op.method(), url, connector.authorization(op), null),
                        "Mailchimp member list");
                JsonNode body;
                try {
                    body = JSON.readTree(r.body());
                } catch (Exception unreadable) {
                    throw new VendorException.Transient("Mailchimp answered unreadable JSON", r.status(), null, null);
                }
                List<io.lethe.connectors.VendorContact> contacts = new ArrayList<>();
                for (JsonNode m : body.path("members")) {
                    String status = m.path("status").asText("");
                    contacts.add(new io.lethe.connectors.VendorContact(m.path("email_address").asText(),
                            status.equals("subscribed") ? io.lethe.connectors.VendorContact.State.SUBSCRIBED
                                    : status.equals("unsubscribed") ? io.lethe.connectors.VendorContact.State.UNSUBSCRIBED
                                    : io.lethe.connectors.VendorContact.State.OTHER));
                }
                page.accept(contacts);
                offset += body.path("members").size();
                if (body.path("members").size() == 0 || offset >= body.path("total_items").asInt(0)) {
                    break;
                }
            }
        }
    }

    /** Access: the member record in every configured list. */
    @Override
    public List<TargetOutcome> export(Connector connector, List<Target> targets) {
        var read = connector.descriptor().operation("readBack");
        List<TargetOutcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            ArrayNode records = JSON.createArrayNode();
            for (String listId : listIds(connector)) {
                for (String email : t.emails()) {
                    String url = connector.resolve(read.endpoint()).replace("{listId}", listId)
                            .replace("{subscriberHash}", subscriberHash(email));
                    VendorHttp.Response r = http.call(read.method(), url, connector.authorization(read), null);
                    if (r.status() == 404) {
                        continue;
                    }
                    http.expectSuccess(r, "Mailchimp member read");
                    try {
                        ObjectNode record = records.addObject();
                        record.put("list_id", listId);
                        record.set("member", JSON.readTree(r.body()));
                    } catch (Exception unreadable) {
                        throw new VendorException.Transient("Mailchimp answered unreadable JSON",
                                r.status(), null, null);
                    }
                }
            }
            outcomes.add(records.isEmpty() ? TargetOutcome.notFound(t.commandId(), 404, "not a member of any configured list")
                    : TargetOutcome.exported(t.commandId(), 200, records.size() + " list membership(s)", records.toString()));
        }
        return outcomes;
    }

    /** Mailchimp's member id: MD5 of the lower-cased address. */
    static String subscriberHash(String email) {
        try {
            byte[] md5 = java.security.MessageDigest.getInstance("MD5")
                    .digest(email.toLowerCase(Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(md5);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<TargetOutcome> setStatus(Connector connector, List<Target> targets, String status) {
        var op = connector.descriptor().operation("optOut");
        Set<String> emails = new LinkedHashSet<>();
        targets.forEach(t -> t.emails().forEach(e -> emails.add(e.toLowerCase(Locale.ROOT))));
        Map<String, String> errorByEmail = new HashMap<>();
        int httpStatus = 200;
        for (String listId : listIds(connector)) {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode members = body.putArray("members");
            emails.forEach(e -> members.addObject().put("email_address", e).put("status", status));
            body.put("update_existing", true);
            String url = connector.resolve(op.endpoint()).replace("{listId}", listId);
            VendorHttp.Response r = http.expectSuccess(http.call(op.method(), url,
                    connector.authorization(op), body.toString()), "Mailchimp list batch");
            httpStatus = r.status();
            try {
                for (JsonNode error : JSON.readTree(r.body()).path("errors")) {
                    errorByEmail.put(error.path("email_address").asText("").toLowerCase(Locale.ROOT),
                            VendorText.code(error.path("error_code").asText("ERROR")));
                }
            } catch (Exception unreadable) {
                // a 2xx without a readable body: no per-member errors known
            }
        }
        List<TargetOutcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            String code = t.emails().stream().map(e -> errorByEmail.get(e.toLowerCase(Locale.ROOT)))
                    .filter(c -> c != null).findFirst().orElse(null);
            outcomes.add(code == null
                    ? TargetOutcome.delivered(t.commandId(), httpStatus, status + " in " + listIds(connector).size() + " list(s)")
                    : TargetOutcome.rejected(t.commandId(), httpStatus, "Mailchimp member error " + code));
        }
        return outcomes;
    }

    /** Mailchimp's documented form, {@code 2015-10-21T15:41:36+00:00}: whole seconds, an explicit offset, encoded. */
    static String sinceLastChanged(java.time.Instant since) {
        String value = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx")
                .format(since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).atOffset(java.time.ZoneOffset.UTC));
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
