package io.lethe.connectors;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One vendor as {@code connectors/<id>.yaml} declares it (schema: connectors/README.md; read by
 * {@link DescriptorReader}, checked by {@link DescriptorValidator}). Everything the engine knows about a vendor is here.
 */
public record ConnectorDescriptor(Path file, String id, String title, String category, String identity,
        List<String> dataCategories, Map<String, Parameter> parameters, Map<String, String> purposes,
        Map<String, List<String>> purposeFields, boolean pushOptIns, Client client, Map<String, Operation> operations,
        DataMap dataMap) {

    /**
     * Optional {@code dataMap:} facts for the record of processing (GDPR Art. 30) that nothing else in the file says:
     * where the vendor keeps the data, whose data it is, and on what the transfer rests. Null when not declared.
     */
    public record DataMap(String region, List<String> dataSubjects, String transfers) {
    }

    /** Dispatch actions and the operation each runs. */
    public static final Map<String, String> ACTION_OPERATIONS = Map.of("opt_out", "optOut", "opt_in", "optIn",
            "erase", "erase", "export", "export", "rectify", "rectify");

    /** A setting: property {@code lethe.<id>.<kebab-name>}, env {@code LETHE_<ID>_<NAME>}. */
    public record Parameter(String name, String title, String description, String type, String format,
            String defaultValue, boolean required) {

        /** {@code format: password}: never logged or shown. */
        public boolean secret() {
            return "password".equals(format);
        }
    }

    /** How every call reaches the vendor. {@code auth} keeps its raw mapping: its type chooses the signer. */
    public record Client(String transport, String baseUrl, Map<String, String> auth, Map<String, String> headers,
            String contentType, Map<String, RateLimit> rateLimits, List<ErrorRule> errors) {
    }

    /** At most {@code requests} calls per {@code periodMillis}, and within that at most {@code burst} (or null). */
    public record RateLimit(int requests, long periodMillis, RateLimit burst) {

        public RateLimit(int requests, long periodMillis) {
            this(requests, periodMillis, null);
        }
    }

    /** What an answer means; {@code statuses} empty matches any status. */
    public record ErrorRule(Set<Integer> statuses, String bodyPath, String bodyMatches, String header, String action,
            Duration parkFor, List<RetryAfter> retryAfter) {
    }

    /** Where a vendor says how long to wait: a header, read in a unit. */
    public record RetryAfter(String header, String unit) {
    }

    /** One kind of vendor call. Templates stay as trees; the engine fills them per call. */
    public record Operation(String name, int batchMax, String rateLimit, String each, List<String> eachList,
            List<String> lookup, String per, Request request, Response response, List<String> readBack, String then,
            String job, Pagination pagination, Map<String, JsonNode> incrementalQuery, String hook, int maxUriLength,
            int maxBodyBytes, int itemsMax, String mail, Quota quota, VerifyLater verifyLater, String groupBy,
            Map<String, JsonNode> incrementalBody, BodyItems maxBodyItems) {
    }

    /** At most {@code max} values at {@code path} in one call's body (e.g. a Composite call's sub-requests). */
    public record BodyItems(String path, int max) {
    }

    /**
     * {@code verifyLater}: a deletion the vendor only queues is read back later with {@code operation}, first after
     * {@code after}, then every {@code every}, until gone ({@code verified}) or past {@code until}
     * ({@code action_required}). {@code gather} (optional, "" when absent): how long a due read-back may wait for
     * others of the connector to fall due, so that they fill the read-back's calls. The durations are ISO-8601, or a
     * {@code {{parameter}}} holding one.
     */
    public record VerifyLater(String operation, String after, String every, String until, String gather) {
    }

    public record Request(String method, String path, Map<String, JsonNode> query, Map<String, String> headers,
            JsonNode body, String contentType) {
    }

    public record Response(List<Integer> notFound, String found, String failed, String failedRecords, String items,
            String identity, Map<String, String> capture, State state, String job, String status, List<String> done,
            List<String> failedStates, Results results, List<Integer> accepted, String data) {
    }

    /** Per-command results (in-house receivers): items, and inside each the command id, status and data. */
    public record Results(String items, String commandId, String status, String data, Map<String, String> outcomes) {
    }

    /**
     * {@code readState}: where an item's marketing e-mail state is and which values mean what; {@code constant} for
     * lists that hold one state only (a suppression list).
     */
    public record State(String path, List<String> unsubscribed, List<String> subscribed, String constant) {
    }

    public record Pagination(String type, String next, int size, String total) {
    }

    /**
     * A vendor quota of identities per period (month or day): beyond it the connector parks and the DPO is told.
     * {@code timezone}: where the vendor's day (or month) starts (Google's quotas reset at midnight Pacific time).
     */
    public record Quota(long ids, String per, String timezone) {
    }

    public Operation operation(String name) {
        Operation op = operations.get(name);
        if (op == null) {
            throw new IllegalStateException(id + " declares no " + name + " operation");
        }
        return op;
    }

    public boolean declares(String operation) {
        return operations.containsKey(operation);
    }

    public String transport() {
        return client.transport();
    }

    /** The batch size dispatch claims: the largest of the dispatch operations' maxima. */
    public int claimSize() {
        return ACTION_OPERATIONS.values().stream().filter(operations::containsKey)
                .mapToInt(o -> operations.get(o).batchMax()).max().orElse(1);
    }
}
