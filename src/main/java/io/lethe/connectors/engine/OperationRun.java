package io.lethe.connectors.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.jayway.jsonpath.DocumentContext;
import io.lethe.connectors.Connector;
import io.lethe.connectors.ConnectorDescriptor.Operation;
import io.lethe.connectors.ConnectorDescriptor.Results;
import io.lethe.connectors.Target;
import io.lethe.connectors.TargetOutcome;
import io.lethe.connectors.VendorException;

/**
 * One dispatch operation over a batch: the batch's identities are cut into calls of at most {@code batchMax} (and,
 * where declared, {@code maxUriLength}, {@code maxBodyBytes}, {@code maxBodyItems} and {@code itemsMax} records), repeated per {@code each}
 * value, preceded by the {@code lookup}s, followed by {@code then} and by one {@code readBack} over everything acted
 * on; each answer is mapped to the identities (or, for in-house receivers, the commands) it names. Identities are
 * compared lower-cased.
 */
final class OperationRun {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The job id of a deletion verified later: one per command, never the vendor's (it gives none). */
    static final String READ_BACK_JOB = "read-back-";

    /** What the vendor said about one identity so far. */
    private static final class Seen {
        boolean found;
        boolean notFound;
        boolean rejected;
        boolean stillPresent;
        boolean accepted;
        String jobId;
        Integer status;
        final List<Object> data = new ArrayList<>();
    }

    private final ConnectorEngine engine;
    private final VendorCalls calls;
    private final Connector connector;
    private final Operation op;
    private final List<Target> targets;
    private final String action;
    private final String kind;
    private final Map<String, String> sent = new LinkedHashMap<>(); // key -> identity as sent
    private final Map<String, List<Target>> targetsByKey = new LinkedHashMap<>();
    private final Map<String, Seen> seen = new LinkedHashMap<>();
    private final Set<String> finished = new LinkedHashSet<>();
    private final Map<Long, Map<String, Object>> resultsByCommand = new LinkedHashMap<>();

    OperationRun(ConnectorEngine engine, VendorCalls calls, Connector connector, Operation op, List<Target> targets) {
        this.engine = engine;
        this.calls = calls;
        this.connector = connector;
        this.op = op;
        this.targets = targets;
        this.action = ConnectorEngine.actionOf(op.name());
        this.kind = connector.descriptor().identity();
        for (Target t : targets) {
            for (String identity : t.identities(kind)) {
                String key = identity.toLowerCase(Locale.ROOT);
                sent.putIfAbsent(key, identity);
                List<Target> owners = targetsByKey.computeIfAbsent(key, k -> new ArrayList<>());
                if (!owners.contains(t)) {
                    owners.add(t);
                }
                seen.computeIfAbsent(key, k -> new Seen());
            }
        }
    }

    /** The values an operation repeats over: a list parameter's, an inline list, or one null. */
    static List<Object> eachValues(Connector connector, Operation op) {
        if (!op.eachList().isEmpty()) {
            return List.copyOf(op.eachList());
        }
        if (op.each() == null) {
            return java.util.Collections.singletonList(null);
        }
        return Arrays.stream(connector.setting(op.each()).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> (Object) s).toList();
    }

    List<TargetOutcome> run() {
        List<String> keys = new ArrayList<>(sent.keySet());
        try {
            for (List<String> chunk : grouped(keys)) {
                for (Object each : eachValues(connector, op)) {
                    actOn(op, chunk, each);
                }
                if (op.then() != null) {
                    Operation then = connector.descriptor().operation(op.then());
                    engine.ran(connector, then.name());
                    List<String> found = chunk.stream().filter(k -> seen.get(k).found && !seen.get(k).rejected).toList();
                    for (List<String> part : chunks(found, then.batchMax())) {
                        for (Object each : eachValues(connector, then)) {
                            actOn(then, part, each);
                        }
                    }
                }
                finished.addAll(chunk);
            }
            if (!op.readBack().isEmpty()) {
                readBack(op.readBack(), keys.stream().filter(k -> seen.get(k).found && seen.get(k).jobId == null
                        && !seen.get(k).accepted).toList());
            }
        } catch (VendorException failure) {
            List<TargetOutcome> done = new ArrayList<>();
            for (Target t : targets) {
                if (t.identities(kind).stream().allMatch(i -> finished.contains(i.toLowerCase(Locale.ROOT)))) {
                    done.add(outcome(t, !op.readBack().isEmpty()));
                }
            }
            throw new OperationFailed(done, failure);
        }
        return targets.stream().map(t -> outcome(t, false)).toList();
    }

    /**
     * The identities in calls of at most {@code batchMax}; with {@code groupBy: regulation} a call never mixes two
     * regulations (Mixpanel's compliance_type is one per call, taken from the call's commands).
     */
    private List<List<String>> grouped(List<String> keys) {
        if (op.groupBy() == null) {
            return chunks(keys, op.batchMax());
        }
        Map<String, List<String>> byRegulation = new LinkedHashMap<>();
        for (String key : keys) {
            Target owner = targetsByKey.get(key).get(0);
            String regulation = owner.regulation() == null ? "GDPR" : owner.regulation().toUpperCase(Locale.ROOT);
            byRegulation.computeIfAbsent(regulation, r -> new ArrayList<>()).add(key);
        }
        List<List<String>> out = new ArrayList<>();
        byRegulation.values().forEach(group -> out.addAll(chunks(group, op.batchMax())));
        return out;
    }

    /** The operation's calls for the chunk at one {@code each} value, after its look-ups. */
    private void actOn(Operation operation, List<String> chunk, Object each) {
        List<String> acting = chunk;
        List<Map<String, Object>> records = List.of();
        if (!operation.lookup().isEmpty()) {
            records = new ArrayList<>();
            for (String name : operation.lookup()) {
                records.addAll(lookup(connector.descriptor().operation(name), chunk, each));
            }
            Set<String> withRecords = new LinkedHashSet<>();
            records.forEach(r -> withRecords.add(keyOf(r)));
            for (String key : chunk) {
                if (!withRecords.contains(key)) {
                    seen.get(key).notFound = true;
                }
            }
            acting = chunk.stream().filter(withRecords::contains).toList();
            if (acting.isEmpty()) {
                return;
            }
        }
        if (operation.request() == null) { // the look-ups' items are the answer (an export by query)
            for (Map<String, Object> r : records) {
                Seen s = seen.get(keyOf(r));
                s.found = true;
                if (r.get("_item") != null) {
                    s.data.add(r.get("_item"));
                }
            }
            return;
        }
        if (operation.per().equals("record")) {
            for (Map<String, Object> record : records) {
                String key = keyOf(record);
                Map<String, Object> scope = scope(List.of(key), each, List.of(record));
                scope.put("record", record);
                send(operation, List.of(key), scope, List.of(record));
            }
            return;
        }
        for (List<String> group : byItems(operation, acting, records)) {
            List<Map<String, Object>> these = recordsOf(records, group);
            for (List<String> call : cut(operation, group, each, these)) {
                List<Map<String, Object>> own = recordsOf(these, call);
                send(operation, call, scope(call, each, own), own);
            }
        }
    }

    /** Groups identities so that each call carries at most {@code itemsMax} look-up records. */
    private static List<List<String>> byItems(Operation operation, List<String> keys, List<Map<String, Object>> records) {
        if (operation.itemsMax() <= 0 || records.isEmpty()) {
            return List.of(keys);
        }
        List<List<String>> out = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int count = 0;
        for (String key : keys) {
            int n = (int) records.stream().filter(r -> keyOf(r).equals(key)).count();
            if (!current.isEmpty() && count + n > operation.itemsMax()) {
                out.add(current);
                current = new ArrayList<>();
                count = 0;
            }
            current.add(key);
            count += n;
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    private void send(Operation operation, List<String> keys, Map<String, Object> scope,
            List<Map<String, Object>> records) {
        if (operation.hook() != null) {
            Object body = engine.hook(operation.hook()).body(connector, operation, scope);
            if (body instanceof java.util.Collection<?> items && items.isEmpty()) {
                // nothing of these people's records carries what the operation changes (e.g. no Individual for an
                // Individual-only purpose): no call, and the vendor holds nothing to act on
                keys.forEach(k -> seen.get(k).notFound = true);
                return;
            }
            scope.put("hook", body);
        }
        VendorCall call = CallBuilder.build(connector, operation, scope);
        VendorCalls.Result r = calls.call(connector, operation, call, targetsOf(keys));
        read(operation, keys, records, r);
    }

    /** Maps one answer onto the identities of its call. */
    private void read(Operation operation, List<String> keys, List<Map<String, Object>> records, VendorCalls.Result r) {
        int status = r.answer().status();
        var response = operation.response();
        if (r.notFound()) {
            keys.forEach(k -> {
                seen.get(k).notFound = true;
                seen.get(k).status = status;
            });
            return;
        }
        if (response.accepted().contains(status)) { // the answer comes later, by callback
            keys.forEach(k -> {
                seen.get(k).accepted = true;
                seen.get(k).found = true;
                seen.get(k).status = status;
            });
            return;
        }
        DocumentContext doc = JsonPaths.parse(r.answer().body());
        if (response.results() != null) {
            Results spec = response.results();
            for (Object item : JsonPaths.all(doc, spec.items())) {
                Object id = JsonPaths.at(item, spec.commandId());
                if (id != null) {
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("status", JsonPaths.at(item, spec.status()));
                    result.put("data", spec.data() == null ? null : JsonPaths.at(item, spec.data()));
                    resultsByCommand.put(Long.parseLong(String.valueOf(id)), result);
                }
            }
            keys.forEach(k -> seen.get(k).found = true);
            return;
        }
        String jobId = response.job() == null ? null : JsonPaths.first(doc, response.job());
        Set<String> failed = lower(JsonPaths.texts(doc, response.failed()));
        if (response.failedRecords() != null) {
            Set<String> failedIds = new LinkedHashSet<>(JsonPaths.texts(doc, response.failedRecords()));
            for (Map<String, Object> record : records) {
                if (record.values().stream().anyMatch(v -> v != null && failedIds.contains(String.valueOf(v)))) {
                    failed.add(keyOf(record));
                }
            }
        }
        Set<String> found = response.found() == null ? null : lower(JsonPaths.texts(doc, response.found()));
        Map<String, List<Object>> items = itemsByIdentity(operation, doc, keys);
        for (String key : keys) {
            Seen s = seen.get(key);
            s.status = status;
            if (failed.contains(key)) {
                s.rejected = true;
            } else if (found != null && !found.contains(key)) {
                s.notFound = true;
            } else if (items != null && items.getOrDefault(key, List.of()).isEmpty()) {
                s.notFound = true;
            } else {
                s.found = true;
                if (jobId != null) {
                    s.jobId = jobId;
                }
                if (items != null) {
                    s.data.addAll(items.get(key));
                }
            }
        }
    }

    /** Export answers: the items, grouped by the identity each belongs to; null when not an export or not declared. */
    private Map<String, List<Object>> itemsByIdentity(Operation operation, DocumentContext doc, List<String> keys) {
        var response = operation.response();
        if (response.items() == null || !action.equals("export")) {
            return null;
        }
        Map<String, List<Object>> by = new LinkedHashMap<>();
        for (Object item : JsonPaths.all(doc, response.items())) {
            String key = response.identity() == null && keys.size() == 1 ? keys.get(0)
                    : String.valueOf(JsonPaths.at(item, response.identity())).toLowerCase(Locale.ROOT);
            by.computeIfAbsent(key, k -> new ArrayList<>()).add(item);
        }
        return by;
    }

    /** Runs a look-up for the identities: records with their identity, captured fields and owner's changes. */
    private List<Map<String, Object>> lookup(Operation lookup, List<String> keys, Object each) {
        engine.ran(connector, lookup.name());
        List<Map<String, Object>> records = new ArrayList<>();
        for (List<String> part : chunks(keys, lookup.batchMax())) {
            for (Object lookupEach : lookup.each() == null && lookup.eachList().isEmpty()
                    ? java.util.Collections.singletonList(each) : eachValues(connector, lookup)) {
                for (List<String> call : cut(lookup, part, lookupEach, List.of())) {
                    Map<String, Object> scope = scope(call, lookupEach, List.of());
                    Pages.read(engine, calls, connector, lookup, scope, false, targetsOf(call), items -> {
                        for (Object item : items) {
                            Object identity = lookup.response().identity() == null && call.size() == 1
                                    ? sent.get(call.get(0)) : JsonPaths.at(item, lookup.response().identity());
                            if (identity == null || !seen.containsKey(String.valueOf(identity).toLowerCase(Locale.ROOT))) {
                                continue;
                            }
                            Map<String, Object> record = new LinkedHashMap<>();
                            record.put("identity", String.valueOf(identity));
                            lookup.response().capture().forEach((name, path) -> record.put(name, JsonPaths.at(item, path)));
                            Target owner = targetsByKey.get(String.valueOf(identity).toLowerCase(Locale.ROOT)).get(0);
                            record.put("changes", owner.changes());
                            record.put("purpose", owner.purpose());
                            record.put("_item", item);
                            records.add(record);
                        }
                    });
                }
            }
        }
        return records;
    }

    /**
     * A later read-back on its own ({@code verifyLater}): runs the named read-back operation for every target's
     * identities and answers the commands whose person the vendor still returns.
     */
    Set<Long> stillPresent(String readBack) {
        readBack(List.of(readBack), new ArrayList<>(sent.keySet()));
        Set<Long> present = new LinkedHashSet<>();
        for (Target t : targets) {
            if (t.identities(kind).stream().anyMatch(i -> seen.get(i.toLowerCase(Locale.ROOT)).stillPresent)) {
                present.add(t.commandId());
            }
        }
        return present;
    }

    /** After acting: the identities a read-back still finds are still present; the others are verified gone. */
    private void readBack(List<String> names, List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        for (String name : names) {
            Operation back = connector.descriptor().operation(name);
            engine.ran(connector, back.name());
            for (List<String> chunk : chunks(keys, back.batchMax())) {
                for (Object each : eachValues(connector, back)) {
                    Set<String> present = new LinkedHashSet<>();
                    if (back.per().equals("batch") && back.response().capture().isEmpty()) {
                        for (List<String> call : cut(back, chunk, each, List.of())) {
                            VendorCalls.Result r = calls.call(connector, back,
                                    CallBuilder.build(connector, back, scope(call, each, List.of())), targetsOf(call));
                            if (!r.notFound()) {
                                present.addAll(presentIn(back, call, JsonPaths.parse(r.answer().body())));
                            }
                        }
                    } else {
                        lookup(back, chunk, each).forEach(r -> present.add(keyOf(r)));
                    }
                    chunk.stream().filter(present::contains).forEach(k -> seen.get(k).stillPresent = true);
                }
            }
        }
    }

    private static Set<String> presentIn(Operation back, List<String> call, DocumentContext doc) {
        Set<String> present = new LinkedHashSet<>();
        if (back.response().found() != null) {
            present.addAll(lower(JsonPaths.texts(doc, back.response().found())));
        } else if (back.response().items() != null && back.response().identity() != null) {
            JsonPaths.all(doc, back.response().items()).forEach(item -> present.add(
                    String.valueOf(JsonPaths.at(item, back.response().identity())).toLowerCase(Locale.ROOT)));
        } else if (back.response().items() != null) {
            if (!JsonPaths.all(doc, back.response().items()).isEmpty()) {
                present.addAll(call);
            }
        } else {
            present.addAll(call); // a per-identity read that did not answer "not found"
        }
        return present;
    }

    private Map<String, Object> scope(List<String> keys, Object each, List<Map<String, Object>> records) {
        List<Target> owners = targetsOf(keys);
        Map<String, Object> scope = engine.context(owners.isEmpty() ? null : owners.get(0));
        scope.put("each", each);
        List<String> identities = keys.stream().map(sent::get).toList();
        scope.put("identities", identities);
        scope.put("records", records);
        List<Map<String, Object>> entries = new ArrayList<>();
        for (String key : keys) {
            for (Target t : targetsByKey.get(key)) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("identity", sent.get(key));
                entry.put("changes", t.changes());
                entry.put("commandId", t.commandId());
                entry.put("subjectId", t.subjectId());
                entry.put("requestId", t.requestId());
                entry.put("purpose", t.purpose());
                entries.add(entry);
            }
        }
        scope.put("entries", entries);
        scope.put("targets", owners.stream().map(OperationRun::targetView).toList());
        scope.put("purposes", owners.stream().map(Target::purpose).distinct().toList());
        if (keys.size() == 1) {
            scope.put("identity", identities.get(0));
            Target t = owners.get(0);
            scope.put("changes", withName(t.changes(), records.size() == 1 ? records.get(0) : null));
            scope.put("subjectId", t.subjectId());
            scope.put("purpose", t.purpose());
            if (records.size() == 1) {
                scope.put("record", records.get(0));
            }
        }
        return scope;
    }

    /**
     * A rectification's changes plus {@code name}, the full name for vendors that keep one name field (Intercom):
     * the parts given, a part not given kept from the record's captured {@code name} (its last word is the last
     * name). No name part given: the changes as they are.
     */
    static Map<String, String> withName(Map<String, String> changes, Map<String, Object> record) {
        String first = changes.get("firstName");
        String last = changes.get("lastName");
        if (first == null && last == null) {
            return changes;
        }
        Object held = record == null ? null : record.get("name");
        String current = held == null ? "" : String.valueOf(held).strip();
        int cut = current.lastIndexOf(' ');
        if (first == null) {
            first = cut > 0 ? current.substring(0, cut).strip() : current; // one word held: taken as the first name
        }
        if (last == null && cut > 0) {
            last = current.substring(cut + 1);
        }
        Map<String, String> out = new LinkedHashMap<>(changes);
        out.put("name", String.join(" ", java.util.stream.Stream.of(first, last).filter(p -> p != null
                && !p.isBlank()).toList()));
        return out;
    }

    private static Map<String, Object> targetView(Target t) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("commandId", t.commandId());
        v.put("action", t.action());
        v.put("purpose", t.purpose());
        v.put("subjectId", t.subjectId());
        v.put("requestId", t.requestId());
        Map<String, Object> identities = new LinkedHashMap<>();
        if (!t.emails().isEmpty()) {
            identities.put("email", t.emails().get(0));
        }
        if (!t.externalIds().isEmpty()) {
            identities.put("externalId", t.externalIds().get(0));
        }
        v.put("identities", identities);
        v.put("changes", t.changes().isEmpty() ? null : t.changes());
        return v;
    }

    /**
     * Cuts a call's identities further where its URI or body would exceed what the operation declares (length,
     * bytes, or items at a path of the body: a Composite call's sub-requests): each call takes as many identities,
     * in order, as still fit (found by bisection), so that a batch costs the fewest calls its limit allows (halving
     * would send 100 SendGrid contact ids in 4 calls of 25 where 3 of up to 48 fit).
     */
    private List<List<String>> cut(Operation operation, List<String> keys, Object each,
            List<Map<String, Object>> records) {
        if ((operation.maxUriLength() <= 0 && operation.maxBodyBytes() <= 0 && operation.maxBodyItems() == null)
                || keys.size() <= 1 || fits(operation, keys, each, records)) {
            return List.of(keys);
        }
        List<List<String>> out = new ArrayList<>();
        int from = 0;
        while (from < keys.size()) {
            int lo = 1; // one identity always goes, as before: the vendor's own refusal then says it is too long
            int hi = keys.size() - from;
            while (lo < hi) {
                int mid = (lo + hi + 1) / 2;
                if (fits(operation, keys.subList(from, from + mid), each, records)) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            out.add(keys.subList(from, from + lo));
            from += lo;
        }
        return out;
    }

    /** Whether one call with these identities stays within the operation's maxUriLength, maxBodyBytes and maxBodyItems. */
    private boolean fits(Operation operation, List<String> keys, Object each, List<Map<String, Object>> records) {
        Map<String, Object> scope = scope(keys, each, recordsOf(records, keys));
        if (operation.hook() != null) {
            scope.put("hook", engine.hook(operation.hook()).body(connector, operation, scope));
        }
        VendorCall probe = CallBuilder.build(connector, operation, scope);
        boolean uriOk = operation.maxUriLength() <= 0 || CallBuilder.uriLength(probe) <= operation.maxUriLength();
        boolean bodyOk = operation.maxBodyBytes() <= 0 || probe.body() == null
                || probe.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= operation.maxBodyBytes();
        var items = operation.maxBodyItems();
        boolean itemsOk = items == null || probe.body() == null
                || JsonPaths.all(JsonPaths.parse(probe.body()), items.path()).size() <= items.max();
        return uriOk && bodyOk && itemsOk;
    }

    private static String keyOf(Map<String, Object> record) {
        return String.valueOf(record.get("identity")).toLowerCase(Locale.ROOT);
    }

    private static List<Map<String, Object>> recordsOf(List<Map<String, Object>> records, List<String> keys) {
        Set<String> wanted = new LinkedHashSet<>(keys);
        return records.stream().filter(r -> wanted.contains(keyOf(r))).toList();
    }

    private List<Target> targetsOf(List<String> keys) {
        Set<Target> out = new LinkedHashSet<>();
        keys.forEach(k -> out.addAll(targetsByKey.getOrDefault(k, List.of())));
        return List.copyOf(out);
    }

    private static List<List<String>> chunks(List<String> keys, int size) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += size) {
            out.add(keys.subList(i, Math.min(keys.size(), i + size)));
        }
        return out;
    }

    private static Set<String> lower(List<String> values) {
        Set<String> out = new LinkedHashSet<>();
        values.forEach(v -> out.add(v.toLowerCase(Locale.ROOT)));
        return out;
    }

    /** The target's outcome from what the vendor said about each of its identities (or about its command). */
    private TargetOutcome outcome(Target t, boolean readBackPending) {
        List<Seen> all = t.identities(kind).stream().map(i -> seen.get(i.toLowerCase(Locale.ROOT))).toList();
        Integer status = all.stream().map(s -> s.status).filter(s -> s != null).findFirst().orElse(null);
        int code = status == null ? 0 : status;
        String title = connector.title();
        if (all.stream().anyMatch(s -> s.accepted)) {
            return new TargetOutcome(t.commandId(), "awaiting_callback", code, title + " accepted; results come by callback");
        }
        if (op.response().results() != null) {
            return fromResult(t, resultsByCommand.get(t.commandId()), code);
        }
        if (all.stream().anyMatch(s -> s.rejected)) {
            return TargetOutcome.rejected(t.commandId(), code, title + " reported an error for this input");
        }
        boolean found = all.stream().anyMatch(s -> s.found);
        if (!found) {
            return TargetOutcome.notFound(t.commandId(), code, title + " does not hold this person");
        }
        String job = all.stream().map(s -> s.jobId).filter(j -> j != null).findFirst().orElse(null);
        return switch (action) {
            case "erase" -> {
                if (job != null) {
                    yield TargetOutcome.submitted(t.commandId(), code, title + " accepted the deletion job", job);
                }
                if (all.stream().anyMatch(s -> s.stillPresent)) {
                    yield TargetOutcome.of(t.commandId(), "still_present", code, title + " still returns the person");
                }
                if (op.verifyLater() != null) { // queued at the vendor: VendorJobs reads it back later
                    yield TargetOutcome.submitted(t.commandId(), code, title + " queued the deletion; read back later",
                            READ_BACK_JOB + t.commandId());
                }
                yield !op.readBack().isEmpty() && !readBackPending
                        ? TargetOutcome.of(t.commandId(), "verified", code, "erased; read-back finds nothing")
                        : TargetOutcome.of(t.commandId(), "completed", code, readBackPending
                                ? "erased; read-back not done (the vendor failed after the deletion)" : "erased");
            }
            case "export" -> {
                List<Object> data = new ArrayList<>();
                all.forEach(s -> data.addAll(s.data));
                if (job != null) {
                    yield TargetOutcome.submitted(t.commandId(), code, title + " accepted the retrieval job", job);
                }
                yield data.isEmpty() ? TargetOutcome.notFound(t.commandId(), code, title + " holds no record")
                        : TargetOutcome.exported(t.commandId(), code, data.size() + " record(s)", json(data));
            }
            case "rectify" -> TargetOutcome.of(t.commandId(), "completed", code, "records updated");
            default -> job != null ? TargetOutcome.submitted(t.commandId(), code, title + " accepted the job", job)
                    : TargetOutcome.delivered(t.commandId(), code, title + ": " + op.name() + " accepted");
        };
    }

    /** An in-house receiver's word on one command, mapped by the file's {@code outcomes}. */
    private TargetOutcome fromResult(Target t, Map<String, Object> result, int code) {
        if (result == null) {
            return TargetOutcome.rejected(t.commandId(), code, connector.title() + " did not report this command");
        }
        String status = String.valueOf(result.get("status"));
        Map<String, String> outcomes = op.response().results().outcomes();
        String outcome = outcomes.isEmpty() ? status : outcomes.getOrDefault(status, "rejected");
        String data = result.get("data") == null || !outcome.equals("completed") || !action.equals("export") ? null
                : json(result.get("data"));
        return new TargetOutcome(t.commandId(), outcome, code, connector.title() + " answered "
                + io.lethe.connectors.VendorText.code(status.toUpperCase(Locale.ROOT)), data, null);
    }

    private static String json(Object data) {
        try {
            return JSON.writeValueAsString(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
