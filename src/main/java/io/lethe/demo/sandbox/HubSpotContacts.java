package io.lethe.demo.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a HubSpot portal holds: contacts by record id and e-mail (HubSpot compares e-mail case-insensitively and
 * stores it lower-cased), the portal-wide "unsubscribed from all e-mail" statuses (which may exist for addresses that
 * are no contact), and the GDPR blocklist. Kept in memory only; thread-safe.
 */
public final class HubSpotContacts {

    private final LongSupplier clock;
    private final TreeMap<Long, Map<String, String>> byId = new TreeMap<>();
    private final Map<String, Long> idByEmail = new HashMap<>();
    private final Set<String> unsubscribed = new HashSet<>();
    private final Set<String> blocklist = new HashSet<>();
    private long nextId = 5101;

    HubSpotContacts(LongSupplier clock) {
        this.clock = clock;
    }

    private static String key(String email) {
        return email.toLowerCase(Locale.ROOT);
    }

    private String now() {
        return Instant.ofEpochMilli(clock.getAsLong()).toString();
    }

    /** Adds (or refreshes) a contact subscribed to e-mail: a re-subscription clears an earlier opt-out. */
    synchronized long add(String email, Map<String, String> properties) {
        unsubscribed.remove(key(email));
        Long existing = idByEmail.get(key(email));
        long id = existing != null ? existing : nextId++;
        Map<String, String> p = byId.computeIfAbsent(id, k -> new TreeMap<>());
        p.putAll(properties);
        p.put("email", key(email));
        p.put("hs_object_id", String.valueOf(id));
        p.putIfAbsent("createdate", now());
        p.put("lastmodifieddate", now());
        p.put("hs_email_optout", String.valueOf(unsubscribed.contains(key(email))));
        idByEmail.put(key(email), id);
        return id;
    }

    synchronized void clear() {
        byId.clear();
        idByEmail.clear();
        unsubscribed.clear();
        blocklist.clear();
    }

    public synchronized boolean unsubscribedFromAll(String email) {
        return unsubscribed.contains(key(email));
    }

    public synchronized void unsubscribeFromAll(String email) {
        unsubscribed.add(key(email));
        Long id = idByEmail.get(key(email));
        if (id != null) {
            byId.get(id).put("hs_email_optout", "true");
            byId.get(id).put("lastmodifieddate", now());
        }
    }

    /** Deletes the contact of this address for good and blocklists the address; false when there was none. */
    synchronized boolean gdprDeleteByEmail(String email) {
        blocklist.add(key(email));
        unsubscribed.remove(key(email));
        Long id = idByEmail.remove(key(email));
        return id != null && byId.remove(id) != null;
    }

    synchronized boolean gdprDeleteById(String objectId) {
        Long id = parseId(objectId);
        Map<String, String> p = id == null ? null : byId.get(id);
        return p != null && gdprDeleteByEmail(p.get("email"));
    }

    /** The record id of a contact found by {@code idProperty} ("email" or, when null, the record id), or null. */
    synchronized Long find(String idProperty, String id) {
        if ("email".equals(idProperty)) {
            return idByEmail.get(key(id));
        }
        Long parsed = parseId(id);
        return parsed != null && byId.containsKey(parsed) ? parsed : null;
    }

    /** Sets properties; a new e-mail re-keys the contact. False when another contact already has that address. */
    synchronized boolean update(long id, Map<String, String> properties) {
        Map<String, String> p = byId.get(id);
        String newEmail = properties.get("email");
        if (newEmail != null && !key(newEmail).equals(p.get("email"))) {
            if (idByEmail.containsKey(key(newEmail))) {
                return false;
            }
            idByEmail.remove(p.get("email"));
            idByEmail.put(key(newEmail), id);
            properties = new HashMap<>(properties);
            properties.put("email", key(newEmail));
        }
        p.putAll(properties);
        p.put("lastmodifieddate", now());
        return true;
    }

    /** A contact as HubSpot's CRM v3 returns it, with the named properties (plus the ones HubSpot always adds). */
    synchronized ObjectNode record(long id, Iterable<String> properties) {
        Map<String, String> p = byId.get(id);
        ObjectNode r = Json.object().put("id", String.valueOf(id));
        ObjectNode props = r.putObject("properties");
        for (String name : List.of("createdate", "hs_object_id", "lastmodifieddate")) {
            props.put(name, p.get(name));
        }
        for (String name : properties) {
            if (!name.isBlank()) {
                props.put(name, p.get(name));
            }
        }
        r.put("createdAt", p.get("createdate")).put("updatedAt", p.get("lastmodifieddate")).put("archived", false);
        return r;
    }

    /** One page of the contact list, in record-id order; {@code after} is the cursor HubSpot handed out. */
    synchronized ObjectNode page(String after, int limit, String[] properties) {
        Long from = after == null ? Long.valueOf(0) : parseId(after);
        ObjectNode page = Json.object();
        ArrayNode results = page.putArray("results");
        List<Long> ids = new ArrayList<>(byId.tailMap(from == null ? Long.MAX_VALUE : from, true).keySet());
        for (Long id : ids.subList(0, Math.min(limit, ids.size()))) {
            results.add(record(id, List.of(properties)));
        }
        if (ids.size() > limit) {
            String next = String.valueOf(ids.get(limit));
            page.putObject("paging").putObject("next").put("after", next)
                    .put("link", "https://api.hubapi.com/crm/v3/objects/contacts?after=" + next);
        }
        return page;
    }

    public synchronized Map<String, String> properties(String email) {
        Long id = idByEmail.get(key(email));
        return id == null ? null : new TreeMap<>(byId.get(id));
    }

    synchronized Map<String, Object> view() {
        Map<String, Object> view = new TreeMap<>();
        byId.values().forEach(p -> view.put(p.get("email"), new LinkedHashMap<>(p)));
        return view;
    }

    public synchronized Set<String> unsubscribedView() {
        return new TreeSet<>(unsubscribed);
    }

    synchronized int blocklistSize() {
        return blocklist.size();
    }

    public synchronized boolean blocklisted(String email) {
        return blocklist.contains(key(email));
    }

    private static Long parseId(String s) {
        try {
            return Long.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
