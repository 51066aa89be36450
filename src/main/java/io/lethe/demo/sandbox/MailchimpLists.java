package io.lethe.demo.sandbox;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The audiences (lists) of a Mailchimp account and their members, keyed by subscriber hash (MD5 of the lower-cased
 * address), each with Mailchimp's {@code last_changed} in its documented form. In memory only; thread-safe.
 */
public final class MailchimpLists {

    /** Mailchimp's date-time form, {@code 2015-10-21T15:41:36+00:00}. */
    static final DateTimeFormatter FORM = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");

    private final LongSupplier clock;
    private final Map<String, Map<String, ObjectNode>> lists = new LinkedHashMap<>();

    MailchimpLists(LongSupplier clock, String... listIds) {
        this.clock = clock;
        for (String id : listIds) {
            lists.put(id, new LinkedHashMap<>());
        }
    }

    public static String hash(String email) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(email.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return String.format("%032x", new BigInteger(1, md5));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    synchronized boolean exists(String listId) {
        return lists.containsKey(listId);
    }

    synchronized List<String> ids() {
        return new ArrayList<>(lists.keySet());
    }

    String now() {
        return FORM.format(Instant.ofEpochMilli(clock.getAsLong()).atOffset(ZoneOffset.UTC));
    }

    /** A copy of the member, or null. */
    public synchronized ObjectNode member(String listId, String hash) {
        ObjectNode m = lists.get(listId).get(hash);
        return m == null ? null : m.deepCopy();
    }

    /** Adds or replaces a member with this status. */
    synchronized ObjectNode put(String listId, String email, String status) {
        String hash = hash(email);
        ObjectNode m = lists.get(listId).get(hash);
        if (m == null) {
            m = Json.object().put("id", hash).put("email_address", email.toLowerCase(Locale.ROOT))
                    .put("unique_email_id", hash.substring(0, 10)).put("status", status);
            m.putObject("merge_fields");
            m.put("list_id", listId);
            lists.get(listId).put(hash, m);
        }
        m.put("status", status).put("last_changed", now());
        return m.deepCopy();
    }

    /** Applies a validated PATCH (address, status, merge fields); a new address gets a new hash. */
    synchronized ObjectNode patch(String listId, String hash, ObjectNode changes) {
        Map<String, ObjectNode> members = lists.get(listId);
        ObjectNode m = members.get(hash);
        if (changes.hasNonNull("email_address")) {
            String email = changes.get("email_address").asText().toLowerCase(Locale.ROOT);
            members.remove(hash);
            m.put("id", hash(email)).put("email_address", email);
            members.put(hash(email), m);
        }
        if (changes.hasNonNull("status")) {
            m.put("status", changes.get("status").asText());
        }
        if (changes.path("merge_fields").isObject()) {
            ((ObjectNode) m.get("merge_fields")).setAll((ObjectNode) changes.get("merge_fields"));
        }
        m.put("last_changed", now());
        return m.deepCopy();
    }

    synchronized boolean deletePermanently(String listId, String hash) {
        return lists.get(listId).remove(hash) != null;
    }

    /** The members passing {@code filter}, in the order they joined. */
    synchronized List<ObjectNode> members(String listId, Predicate<ObjectNode> filter) {
        return lists.get(listId).values().stream().filter(filter).map(ObjectNode::deepCopy).toList();
    }

    synchronized void clear() {
        lists.values().forEach(Map::clear);
    }

    synchronized Map<String, Object> view() {
        Map<String, Object> view = new TreeMap<>();
        lists.forEach((id, members) -> {
            Map<String, Object> byEmail = new TreeMap<>();
            members.values().forEach(m -> byEmail.put(m.path("email_address").asText(), Map.of(
                    "status", m.path("status").asText(), "last_changed", m.path("last_changed").asText(),
                    "merge_fields", Json.MAPPER.convertValue(m.path("merge_fields"), Map.class))));
            view.put(id, byEmail);
        });
        return view;
    }
}
