package io.lethe.demo.sandbox;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Mailchimp Marketing API 3.0 lists and members as the API answers (shared/notes/vendor-apis.md §3), under
 * {@code /3.0}: batch subscribe/unsubscribe ({@code POST /lists/{id}}, at most 500 members), member read, update
 * (PATCH) and {@code delete-permanent} by subscriber hash, and the member list paged by count/offset with
 * {@code total_items} and {@code since_last_changed}. Strict like Mailchimp: Bearer auth only (Mailchimp's current
 * official description declares Bearer; HTTP Basic, which older SDKs send, is refused so the hub cannot drift back
 * to it), JSON bodies, the documented date form ({@code 2015-10-21T15:41:36+00:00}, no fractions), at most 10
 * simultaneous connections, every refusal as Mailchimp's problem+json.
 */
public final class MailchimpBehaviour implements VendorBehaviour {

    public static final String DEMO_KEY = "demo0000000000000000000000000000-us14";
    public static final int BATCH_MAX = 500;
    public static final int COUNT_MAX = 1000;
    public static final int CONNECTIONS_MAX = 10;
    static final Set<String> STATUSES = Set.of("subscribed", "unsubscribed", "cleaned", "pending", "transactional");
    /** The merge fields of a new audience. */
    static final Set<String> MERGE_FIELDS = Set.of("FNAME", "LNAME", "PHONE", "ADDRESS", "BIRTHDAY");
    private static final Pattern DOCUMENTED_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+-]\\d{2}:\\d{2}");

    private final String apiKey;
    private final MailchimpLists lists;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile Duration answerDelay = Duration.ZERO;
    private volatile int pageCap = COUNT_MAX;
    private final Map<String, Long> optedOutAt = new ConcurrentHashMap<>();

    public MailchimpBehaviour(String apiKey, String... listIds) {
        this(apiKey, System::currentTimeMillis, listIds);
    }

    /** With a clock tests can move (it stamps each member's last_changed). */
    public MailchimpBehaviour(String apiKey, LongSupplier clockMillis, String... listIds) {
        this.apiKey = apiKey;
        this.lists = new MailchimpLists(clockMillis, listIds);
    }

    public MailchimpBehaviour() {
        this(DEMO_KEY, "demo-list");
    }

    @Override
    public String vendor() {
        return "mailchimp";
    }

    /** The sandbox serves the API under /3.0, as Mailchimp does. */
    @Override
    public Map<String, String> hubSettings(String baseUrl) {
        return Map.of("lethe.mailchimp.base-url", baseUrl + "/3.0", "lethe.mailchimp.api-key", apiKey,
                "lethe.mailchimp.list-ids", String.join(",", lists.ids()));
    }

    /** Subscribes the address in every list. */
    @Override
    public void seed(String email, String externalId) {
        lists.ids().forEach(id -> lists.put(id, email, "subscribed"));
    }

    /** Subscribes the address in one list. */
    public void seedInList(String listId, String email) {
        lists.put(listId, email, "subscribed");
    }

    /** Adds the address to one list with this status (subscribed, unsubscribed, cleaned, pending, transactional). */
    public void seedInList(String listId, String email, String status) {
        lists.put(listId, email, status);
    }

    /** Answers at most {@code n} members per page whatever count asked (shows paging with few members). */
    public void pageCap(int n) {
        pageCap = n;
    }

    public MailchimpLists lists() {
        return lists;
    }

    /** Each answer takes this long, holding its connection (to show the connection limit). */
    public void answerDelay(Duration delay) {
        answerDelay = delay;
    }

    public void reset() {
        lists.clear();
        optedOutAt.clear();
        answerDelay = Duration.ZERO;
        pageCap = COUNT_MAX;
    }

    /** When the address was first unsubscribed in a list here (epoch ms), or null: for benchmarks. */
    public Long optedOutAt(String email) {
        return optedOutAt.get(email.toLowerCase(Locale.ROOT));
    }

    @Override
    public Map<String, Object> state() {
        return Map.of("lists", lists.view());
    }

    @Override
    public SandboxResponse handle(SandboxRequest r) {
        if (!("Bearer " + apiKey).equals(r.header("Authorization"))) {
            return problem(401, "API Key Invalid", "Your API key may be invalid, or you've attempted to access the wrong"
                    + " datacenter.");
        }
        if (inFlight.incrementAndGet() > CONNECTIONS_MAX) {
            inFlight.decrementAndGet();
            return problem(429, "Too Many Requests", "You have exceeded the limit of " + CONNECTIONS_MAX
                    + " simultaneous connections.");
        }
        try {
            if (!answerDelay.isZero()) {
                Thread.sleep(answerDelay.toMillis());
            }
            return route(r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return problem(500, "Internal Server Error", "interrupted");
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private SandboxResponse route(SandboxRequest r) {
        String[] p = r.path().split("/");
        // "", "3.0", "lists", {list_id}, "members", {subscriber_hash}, "actions", "delete-permanent"
        if (p.length < 4 || !p[1].equals("3.0") || !p[2].equals("lists")) {
            return notFound();
        }
        if (!lists.exists(p[3])) {
            return notFound();
        }
        String list = p[3];
        String method = r.method();
        JsonNode body = null;
        if (r.body() != null && r.body().length > 0) {
            body = Json.isJson(r.header("Content-Type")) ? Json.parse(r.body()) : null;
            if (body == null || !body.isObject()) {
                return problem(400, "JSON Parse Error", "We encountered an unspecified JSON parsing error: send a JSON"
                        + " object as application/json.");
            }
        }
        if (p.length == 4 && method.equals("POST")) {
            return body == null ? problem(400, "Invalid Resource", "The request body is required.")
                    : MailchimpBatch.apply(lists, list, body, optedOutAt);
        }
        if (p.length == 5 && p[4].equals("members") && method.equals("GET")) {
            return memberList(r, list);
        }
        if (p.length >= 6 && p[4].equals("members")) {
            String hash = p[5];
            if (lists.member(list, hash) == null) {
                return notFound();
            }
            if (p.length == 6 && method.equals("GET")) {
                return SandboxResponse.json(200, lists.member(list, hash).toString());
            }
            if (p.length == 6 && method.equals("PATCH")) {
                return body == null ? problem(400, "Invalid Resource", "The request body is required.")
                        : patch(list, hash, (ObjectNode) body);
            }
            if (p.length == 8 && p[6].equals("actions") && p[7].equals("delete-permanent") && method.equals("POST")) {
                lists.deletePermanently(list, hash);
                return SandboxResponse.empty(204);
            }
        }
        return problem(405, "Method Not Allowed", "The requested method and resource are not compatible. See the"
                + " Allow header for this resource's available methods.");
    }

    private SandboxResponse patch(String list, String hash, ObjectNode body) {
        if (body.has("email_address")) {
            String email = body.path("email_address").asText("");
            if (!Json.looksLikeEmail(email)) {
                return invalid("email_address", "Please provide a valid email address.");
            }
            ObjectNode other = lists.member(list, MailchimpLists.hash(email));
            if (other != null && !MailchimpLists.hash(email).equals(hash)) {
                return problem(400, "Member Exists", "A member with this address is already in the list.");
            }
        }
        if (body.has("status") && !STATUSES.contains(body.path("status").asText())) {
            return invalid("status", "Invalid status: " + String.join(", ", STATUSES) + ".");
        }
        if (body.has("merge_fields")) {
            JsonNode merge = body.path("merge_fields");
            if (!merge.isObject()) {
                return invalid("merge_fields", "merge_fields must be an object.");
            }
            for (var names = merge.fieldNames(); names.hasNext();) {
                if (!MERGE_FIELDS.contains(names.next())) {
                    return invalid("merge_fields", "Your merge fields were invalid.");
                }
            }
        }
        ObjectNode member = lists.patch(list, hash, body);
        if (member.path("status").asText().equals("unsubscribed")) {
            optedOutAt.putIfAbsent(member.path("email_address").asText(), System.currentTimeMillis());
        }
        return SandboxResponse.json(200, member.toString());
    }

    private SandboxResponse memberList(SandboxRequest r, String list) {
        int count;
        int offset;
        try {
            String c = Query.param(r, "count");
            String o = Query.param(r, "offset");
            count = c == null ? 10 : Integer.parseInt(c);
            offset = o == null ? 0 : Integer.parseInt(o);
        } catch (NumberFormatException e) {
            return invalid("count", "count and offset must be integers.");
        }
        if (count < 1 || count > COUNT_MAX || offset < 0) {
            return invalid("count", "count must be between 1 and " + COUNT_MAX + ", offset at least 0.");
        }
        String since = Query.param(r, "since_last_changed");
        if (since != null && !DOCUMENTED_DATE.matcher(since).matches()) {
            return invalid("since_last_changed", "Dates must be in the form 2015-10-21T15:41:36+00:00.");
        }
        String status = Query.param(r, "status");
        if (status != null && !STATUSES.contains(status) && !status.equals("archived")) {
            return invalid("status", "Invalid status.");
        }
        java.time.Instant after = since == null ? null
                : java.time.OffsetDateTime.parse(since, MailchimpLists.FORM).toInstant();
        List<ObjectNode> all = lists.members(list, m -> (status == null || m.path("status").asText().equals(status))
                && (after == null || java.time.OffsetDateTime.parse(m.path("last_changed").asText(), MailchimpLists.FORM)
                        .toInstant().isAfter(after)));
        ObjectNode page = Json.object();
        ArrayNode members = page.putArray("members");
        int size = Math.min(count, pageCap);
        all.subList(Math.min(offset, all.size()), Math.min(offset + size, all.size())).forEach(members::add);
        page.put("list_id", list).put("total_items", all.size());
        return SandboxResponse.json(200, fields(page, Query.param(r, "fields")).toString());
    }

    /** Mailchimp's {@code fields}: only the named top-level fields and {@code members.<field>}s. */
    private static ObjectNode fields(ObjectNode page, String fields) {
        if (fields == null || fields.isBlank()) {
            return page;
        }
        List<String> names = List.of(fields.split(","));
        ObjectNode out = Json.object();
        page.fields().forEachRemaining(f -> {
            if (names.contains(f.getKey())) {
                out.set(f.getKey(), f.getValue());
            }
        });
        if (names.stream().anyMatch(n -> n.startsWith("members."))) {
            ArrayNode members = out.putArray("members");
            for (JsonNode m : page.path("members")) {
                ObjectNode kept = members.addObject();
                m.fields().forEachRemaining(f -> {
                    if (names.contains("members." + f.getKey())) {
                        kept.set(f.getKey(), f.getValue());
                    }
                });
            }
        }
        return out;
    }

    static SandboxResponse notFound() {
        return problem(404, "Resource Not Found", "The requested resource could not be found.");
    }

    static SandboxResponse invalid(String field, String message) {
        ObjectNode p = problemBody(400, "Invalid Resource", "The resource submitted could not be validated. For field-specific"
                + " details, see the 'errors' array.");
        p.putArray("errors").addObject().put("field", field).put("message", message);
        return new SandboxResponse(400, Map.of("Content-Type", "application/problem+json"), p.toString());
    }

    /** Mailchimp's error body. */
    static SandboxResponse problem(int status, String title, String detail) {
        return new SandboxResponse(status, Map.of("Content-Type", "application/problem+json"),
                problemBody(status, title, detail).toString());
    }

    private static ObjectNode problemBody(int status, String title, String detail) {
        return Json.object().put("type", "https://mailchimp.com/developer/marketing/docs/errors/").put("title", title)
                .put("status", status).put("detail", detail).put("instance", UUID.randomUUID().toString());
    }

    /** The members of one list by address, with status (for tests). */
    public Map<String, String> statuses(String listId) {
        Map<String, String> out = new LinkedHashMap<>();
        lists.members(listId, m -> true).forEach(m -> out.put(m.path("email_address").asText(), m.path("status").asText()));
        return out;
    }
}
