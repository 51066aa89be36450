package io.lethe.connectors.marketing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.demo.sandbox.KlaviyoBehaviour;
import io.lethe.demo.sandbox.SandboxRequest;
import io.lethe.demo.sandbox.SandboxServer;
import io.lethe.dispatch.Command;
import io.lethe.dispatch.CommandStatus;
import io.lethe.dispatch.Outbox;
import io.lethe.dispatch.VendorJobs;
import io.lethe.support.Addresses;
import io.lethe.support.HubTestSupport;
import io.lethe.support.spec.SpecRouter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Klaviyo's later read-backs in bulk, through the hub's own job polling and engine against the strict sandbox (every
 * request checked against Klaviyo's spec): 200 queued deletions (realistic addresses, two of 254 characters) whose
 * read-backs fall due in three waves are read back in ⌈200/100⌉ {@code any(email,[...])} calls, each command
 * verified by its own address, and the one address still held stays {@code submitted} until a later read-back.
 * The deletions are recorded as Klaviyo's 202 leaves them (submitted, a read-back job each): sending 200 deletion jobs
 * at Klaviyo's 60 a minute would take this test over three minutes. Subclasses pick the register.
 */
abstract class KlaviyoLaterReadBackTest extends HubTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern ANY = Pattern.compile("any\\(email,\\[(.*)]\\)");

    KlaviyoBehaviour klaviyo;
    SandboxServer server;
    SpecRouter spec;

    @Override
    protected Properties extraProperties() {
        klaviyo = new KlaviyoBehaviour("pk_test", Clock.systemUTC(), null);
        server = SandboxServer.start(klaviyo);
        spec = SpecRouter.klaviyo().attachTo(server);
        Properties p = new Properties();
        p.put("lethe.connectors", "klaviyo");
        p.putAll(klaviyo.hubSettings(server.baseUrl()));
        // the file's pace in seconds: first read-back 1 s after the deletion, gathered up to 3 s, then every 1 s
        p.put("lethe.klaviyo.verify-after", "PT1S");
        p.put("lethe.klaviyo.verify-gather", "PT3S");
        p.put("lethe.klaviyo.verify-every", "PT1S");
        p.put("lethe.jobs.check-ms", "200");
        return p;
    }

    @AfterAll
    void stopSandbox() {
        server.close();
    }

    @Test
    void queued_deletions_are_read_back_a_full_page_a_call_and_each_command_takes_its_own_answer() throws Exception {
        List<String> emails = Addresses.realistic(200, "later-read-back");
        assertThat(emails).filteredOn(e -> e.length() == 254).hasSize(2);
        emails.forEach(e -> klaviyo.seed(e, null));
        List<String> others = Addresses.realistic(30, "kept-profile");
        others.forEach(e -> klaviyo.seed(e, null));
        List<String> subjects = register(emails);
        String stays = emails.get(96);                                      // 254 characters, still held
        // Klaviyo has run every deletion but one (its jobs land in their own time; the hub is never told).
        emails.stream().filter(e -> !e.equals(stays)).forEach(klaviyo::forget);

        // The deletions were sent one by one at Klaviyo's pace: their read-backs fall due in three waves.
        List<Long> commands = new ArrayList<>();
        for (int[] wave : new int[][] {{0, 70}, {70, 140}, {140, 200}}) {
            commands.addAll(queuedDeletions(subjects.subList(wave[0], wave[1])));
            Thread.sleep(300);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> status(commands).values().stream()
                .filter(s -> s.equals("done/verified")).count() == 199);
        // The first round: ⌈200 / 100⌉ calls, not 200; after it only the address still held is asked again.
        List<SandboxRequest> calls = server.requests("GET", "/api/profiles");
        assertThat(calls.size()).isGreaterThanOrEqualTo(2);
        Set<String> asked = new HashSet<>();
        for (SandboxRequest r : calls.subList(0, 2)) {
            assertThat((r.path() + "?" + r.rawQuery()).length()).isLessThanOrEqualTo(8000);
            assertThat(query(r, "page[size]")).isEqualTo("100");
            List<String> listed = addresses(query(r, "filter"));
            assertThat(listed.size()).isLessThanOrEqualTo(100);
            asked.addAll(listed);
        }
        assertThat(asked).containsExactlyInAnyOrderElementsOf(emails);      // each once, the kept profiles never
        assertThat(calls.subList(2, calls.size())).allMatch(r -> addresses(query(r, "filter")).equals(List.of(stays)));
        Map<Long, String> status = status(commands);
        assertThat(status.get(commands.get(96))).isEqualTo("done/submitted");
        assertThat(status.entrySet()).filteredOn(e -> !e.getKey().equals(commands.get(96)))
                .allMatch(e -> e.getValue().equals("done/verified"));
        assertThat(others).allMatch(e -> klaviyo.profile(e) != null);

        // Its next read-back finds nobody once Klaviyo's job has run: verified too.
        klaviyo.forget(stays);
        await().atMost(Duration.ofSeconds(10)).until(() -> status(List.of(commands.get(96))).get(commands.get(96))
                .equals("done/verified"));
        List<SandboxRequest> all = server.requests("GET", "/api/profiles");
        assertThat(all.subList(2, all.size())).isNotEmpty()
                .allMatch(r -> addresses(query(r, "filter")).equals(List.of(stays)));
        assertThat(api.get("/api/v1/sync-log?vendor=klaviyo&limit=1000", COMPLIANCE_KEY).json().toString())
                .doesNotContain("later-read-back");                         // no address in the sync log
        spec.assertNoViolations();
    }

    /** Subjects with these addresses in the register (an analytics grant: nothing for Klaviyo to do). */
    List<String> register(List<String> emails) throws Exception {
        List<Object> events = new ArrayList<>();
        for (String e : emails) {
            events.add(Map.of("subject", Map.of("email", e), "purpose", "analytics", "status", "granted",
                    "source", "import"));
        }
        JsonNode results = api.post("/api/v1/consents/batch", ADMIN_KEY,
                JSON.writeValueAsString(Map.of("events", events))).json().path("results");
        List<String> subjects = new ArrayList<>();
        results.forEach(r -> subjects.add(r.path("subjectId").asText()));
        assertThat(subjects).hasSize(emails.size()).allMatch(s -> !s.isBlank());
        return subjects;
    }

    /**
     * Erasure commands as dispatch records Klaviyo's 202 for them (what OperationRun answers for a verifyLater
     * erase): submitted, each with its read-back job, in one transaction.
     */
    List<Long> queuedDeletions(List<String> subjects) throws Exception {
        DataSource ds = context.getRegistry().lookupByNameAndType("registerDataSource", DataSource.class);
        VendorJobs jobs = context.getRegistry().lookupByNameAndType("vendorJobs", VendorJobs.class);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Command> commands = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("insert into outbox_command (connector, subject_id, action,"
                    + " status, attempts, not_before, outcome, detail, created_at, updated_at, request_advanced_at,"
                    + " dpo_alerted_at) values ('klaviyo', ?, 'erase', 'done', 1, ?, 'submitted',"
                    + " 'Klaviyo queued the deletion; read back later', ?, ?, ?, ?)", new String[] {"id"})) {
                for (String subject : subjects) {
                    ps.setString(1, subject);
                    for (int i = 2; i <= 6; i++) {
                        ps.setObject(i, now);
                    }
                    ps.executeUpdate();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        keys.next();
                        commands.add(new Command(keys.getLong(1), "klaviyo", subject, "erase", null, null, null, 1));
                    }
                }
            }
            jobs.onFinished(c, commands, commands.stream().map(cmd -> new Outbox.Result(cmd.id(), CommandStatus.DONE,
                    "submitted", "queued", null, "read-back-" + cmd.id())).toList());
            c.commit();
        }
        return commands.stream().map(Command::id).toList();
    }

    Map<Long, String> status(List<Long> ids) throws Exception {
        DataSource ds = context.getRegistry().lookupByNameAndType("registerDataSource", DataSource.class);
        Map<Long, String> out = new HashMap<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select id, status, outcome from outbox_command where connector = 'klaviyo'")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (ids.contains(rs.getLong(1))) {
                        out.put(rs.getLong(1), rs.getString(2) + "/" + rs.getString(3));
                    }
                }
            }
        }
        return out;
    }

    static String query(SandboxRequest r, String name) {
        for (String pair : r.rawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            if (URLDecoder.decode(kv[0], StandardCharsets.UTF_8).equals(name)) {
                return URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The addresses of an any(email,[...]) filter, lower-cased. */
    static List<String> addresses(String filter) {
        Matcher m = ANY.matcher(filter);
        assertThat(m.matches()).as("an any(email,[...]) filter").isTrue();
        List<String> out = new ArrayList<>();
        for (JsonNode n : readList("[" + m.group(1) + "]")) {
            out.add(n.asText().toLowerCase());
        }
        return out;
    }

    private static JsonNode readList(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not a list of JSON strings: " + e.getMessage());
        }
    }
}
