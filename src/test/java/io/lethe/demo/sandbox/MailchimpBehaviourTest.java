package io.lethe.demo.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.lethe.demo.sandbox.SandboxClient.Answer;
import io.lethe.support.MailchimpSpec;
import io.lethe.support.spec.SpecCheckedBehaviour;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.lethe.demo.sandbox.SandboxClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Mailchimp behaviour refuses what Mailchimp refuses, and the requests the hub makes pass Mailchimp's published
 * spec (with only the documented auth-scheme difference tolerated).
 */
class MailchimpBehaviourTest {

    static final String KEY = "0123456789abcdef0123456789abcdef-us14";
    final AtomicLong clock = new AtomicLong(java.time.Instant.parse("2026-11-30T10:00:00Z").toEpochMilli());
    final MailchimpBehaviour mailchimp = new MailchimpBehaviour(KEY, clock::get, "list-a");
    final SpecCheckedBehaviour checked = MailchimpSpec.checking(mailchimp);
    final SandboxServer server = SandboxServer.start(checked);

    @AfterEach
    void stop() {
        server.close();
    }

    Answer send(String method, String path, String body) {
        return body == null ? call(server, method, path, null, "Authorization", "Bearer " + KEY)
                : call(server, method, path, body, "Authorization", "Bearer " + KEY, "Content-Type", "application/json");
    }

    static String members(int n, String status) {
        return IntStream.range(0, n).mapToObj(i -> "{\"email_address\":\"person" + i + "@example.com\",\"status\":\""
                + status + "\"}").collect(Collectors.joining(",", "{\"members\":[", "],\"update_existing\":true}"));
    }

    @Test
    void bearer_is_the_only_scheme_accepted() {
        String body = members(1, "unsubscribed");
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(("anystring:" + KEY).getBytes());
        Answer refused = call(server, "POST", "/3.0/lists/list-a", body, "Authorization", basic,
                "Content-Type", "application/json");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(refused.json().path("title").asText()).isEqualTo("API Key Invalid");
        assertThat(call(server, "POST", "/3.0/lists/list-a", body, "Content-Type", "application/json").status())
                .isEqualTo(401);
        assertThat(send("POST", "/3.0/lists/list-a", body).status()).isEqualTo(200);
        checked.assertNoViolations(); // Bearer passes the spec check: only the declared Basic is tolerated away
    }

    @Test
    void batches_are_json_of_at_most_500_members_with_an_address_and_status_each() {
        assertThat(call(server, "POST", "/3.0/lists/list-a", members(1, "unsubscribed"), "Authorization", "Bearer " + KEY,
                "Content-Type", "text/plain").status()).isEqualTo(400);
        assertThat(send("POST", "/3.0/lists/list-a", members(501, "unsubscribed")).status()).isEqualTo(400);
        assertThat(send("POST", "/3.0/lists/nosuch", members(1, "unsubscribed")).status()).isEqualTo(404);
        Answer full = send("POST", "/3.0/lists/list-a", members(500, "unsubscribed"));
        assertThat(full.status()).isEqualTo(200);
        assertThat(full.json().path("total_created").asInt()).isEqualTo(500);
        Answer bad = send("POST", "/3.0/lists/list-a",
                "{\"members\":[{\"email_address\":\"person0@example.com\",\"status\":\"gone\"}],\"update_existing\":true}");
        assertThat(bad.status()).isIn(200, 400); // the spec's enum refuses it before Mailchimp's per-member error
        Answer exists = send("POST", "/3.0/lists/list-a", "{\"members\":[{\"email_address\":\"person0@example.com\","
                + "\"status\":\"subscribed\"}]}");
        assertThat(exists.json().path("errors").get(0).path("error_code").asText()).isEqualTo("ERROR_CONTACT_EXISTS");
        assertThat(mailchimp.statuses("list-a")).containsEntry("person0@example.com", "unsubscribed");
    }

    @Test
    void members_are_addressed_by_the_md5_of_the_lower_cased_address() {
        mailchimp.seed("Urist.McVankab@freddiesjokes.com", null);
        String hash = "62eeb292278cc15f5817cb78f7790b08"; // Mailchimp's own guide example
        assertThat(send("GET", "/3.0/lists/list-a/members/" + hash, null).status()).isEqualTo(200);
        Answer patched = send("PATCH", "/3.0/lists/list-a/members/" + hash,
                "{\"email_address\":\"urist.new@freddiesjokes.com\",\"merge_fields\":{\"LNAME\":\"Newman\"}}");
        assertThat(patched.status()).as(patched.body() + checked.violations()).isEqualTo(200);
        assertThat(send("PATCH", "/3.0/lists/list-a/members/" + MailchimpLists.hash("urist.new@freddiesjokes.com"),
                "{\"merge_fields\":{\"SHOESIZE\":\"42\"}}").status()).isEqualTo(400);
        assertThat(send("GET", "/3.0/lists/list-a/members/" + hash, null).status()).isEqualTo(404);
        String newHash = MailchimpLists.hash("urist.new@freddiesjokes.com");
        assertThat(send("POST", "/3.0/lists/list-a/members/" + newHash + "/actions/delete-permanent", null).status())
                .isEqualTo(204);
        assertThat(send("GET", "/3.0/lists/list-a/members/" + newHash, null).status()).isEqualTo(404);
        assertThat(send("POST", "/3.0/lists/list-a/members/" + newHash + "/actions/delete-permanent", null).status())
                .isEqualTo(404);
        checked.assertNoViolations();
    }

    @Test
    void the_member_list_pages_by_offset_and_takes_since_last_changed_only_in_the_documented_form() {
        mailchimp.seed("early@example.com", null);
        clock.addAndGet(60_000);
        mailchimp.seed("late@example.com", null);
        String fields = "&fields=members.email_address,members.status,total_items";
        Answer all = send("GET", "/3.0/lists/list-a/members?count=1&offset=0" + fields, null);
        assertThat(all.json().path("total_items").asInt()).isEqualTo(2);
        assertThat(all.json().path("members")).hasSize(1);
        assertThat(all.json().path("members").get(0).has("last_changed")).isFalse(); // fields honoured
        assertThat(send("GET", "/3.0/lists/list-a/members?count=1001", null).status()).isEqualTo(400);
        assertThat(checked.violations()).hasSize(1); // the spec's maximum, too
        checked.clearViolations();
        Answer since = send("GET", "/3.0/lists/list-a/members?count=1000&since_last_changed=2026-11-30T10%3A00%3A30%2B00%3A00",
                null);
        assertThat(since.json().path("members").findValuesAsText("email_address")).containsExactly("late@example.com");
        Answer micros = send("GET", "/3.0/lists/list-a/members?since_last_changed=2026-11-30T10%3A00%3A30.123456Z", null);
        assertThat(micros.status()).isEqualTo(400);
        assertThat(micros.json().path("errors").get(0).path("field").asText()).isEqualTo("since_last_changed");
        // An unencoded '+' arrives as a space: Mailchimp cannot read that either.
        assertThat(send("GET", "/3.0/lists/list-a/members?since_last_changed=2026-11-30T10:00:30+00:00", null).status())
                .isEqualTo(400);
        checked.assertNoViolations();
    }

    @Test
    void the_eleventh_simultaneous_connection_is_refused_with_429() {
        mailchimp.answerDelay(Duration.ofMillis(700));
        List<CompletableFuture<Answer>> calls = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> send("GET", "/3.0/lists/list-a/members", null),
                    java.util.concurrent.Executors.newSingleThreadExecutor()));
        }
        List<Integer> statuses = calls.stream().map(CompletableFuture::join).map(Answer::status).toList();
        assertThat(statuses).contains(429);
        assertThat(statuses.stream().filter(s -> s == 200).count()).isLessThanOrEqualTo(10);
    }

    @Test
    void the_spec_refuses_what_the_behaviour_might_let_through() {
        assertThat(send("POST", "/3.0/lists/list-a", "{\"update_existing\":true}").status()).isEqualTo(400);
        assertThat(checked.violations()).hasSize(1);
        assertThat(checked.violations().get(0)).contains("members");
    }
}
