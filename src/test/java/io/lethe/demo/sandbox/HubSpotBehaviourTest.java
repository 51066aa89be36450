package io.lethe.demo.sandbox;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.lethe.demo.sandbox.SandboxClient.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.lethe.demo.sandbox.SandboxClient.call;
import static org.assertj.core.api.Assertions.assertThat;

/** The HubSpot behaviour refuses what HubSpot refuses, so the hub's tests cannot pass against a lenient fake. */
class HubSpotBehaviourTest {

    static final String TOKEN = "pat-na1-test";
    final AtomicLong clock = new AtomicLong(1_764_000_000_000L);
    final HubSpotBehaviour hubspot = new HubSpotBehaviour(TOKEN, 100, clock::get);
    final SandboxServer server = SandboxServer.start(hubspot);

    @AfterEach
    void stop() {
        server.close();
    }

    Answer post(String path, String body) {
        return call(server, "POST", path, body, "Authorization", "Bearer " + TOKEN, "Content-Type", "application/json");
    }

    static String inputs(int n) {
        return IntStream.range(0, n).mapToObj(i -> "\"person" + i + "@example.com\"").collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void only_the_private_app_bearer_token_is_accepted() {
        String body = "{\"inputs\":[\"ann@example.com\"]}";
        String path = HubSpotBehaviour.OPT_OUT + "?channel=EMAIL";
        assertThat(call(server, "POST", path, body, "Content-Type", "application/json").status()).isEqualTo(401);
        assertThat(call(server, "POST", path, body, "Content-Type", "application/json", "Authorization", "Bearer wrong")
                .json().path("category").asText()).isEqualTo("INVALID_AUTHENTICATION");
        assertThat(call(server, "POST", path, body, "Content-Type", "application/json", "Authorization",
                "Basic " + java.util.Base64.getEncoder().encodeToString(("x:" + TOKEN).getBytes())).status()).isEqualTo(401);
        assertThat(post(path, body).status()).isEqualTo(200);
        assertThat(hubspot.contacts().unsubscribedFromAll("ann@example.com")).isTrue();
    }

    @Test
    void bodies_must_be_json_of_at_most_100_inputs_on_the_email_channel() {
        String path = HubSpotBehaviour.OPT_OUT + "?channel=EMAIL";
        assertThat(call(server, "POST", path, "{\"inputs\":[\"a@example.com\"]}", "Authorization", "Bearer " + TOKEN,
                "Content-Type", "text/plain").status()).isEqualTo(415);
        assertThat(post(path, "{\"inputs\":" + inputs(101) + "}").status()).isEqualTo(400);
        assertThat(post(path, "{\"inputs\":[]}").status()).isEqualTo(400);
        assertThat(post(HubSpotBehaviour.OPT_OUT, "{\"inputs\":[\"a@example.com\"]}").status()).isEqualTo(400);
        assertThat(post(path, "{\"inputs\":" + inputs(100) + "}").status()).isEqualTo(200);
        Answer invalid = post(path, "{\"inputs\":[\"not-an-address\",\"b@example.com\"]}");
        assertThat(invalid.status()).isEqualTo(207);
        assertThat(invalid.json().path("errors").get(0).path("context").path("subscriberIdString").get(0).asText())
                .isEqualTo("not-an-address");
    }

    @Test
    void batch_read_needs_the_published_schema_and_finds_by_email_only_when_told() {
        hubspot.seed("ada@example.com", Map.of("firstname", "Ada"));
        String id = "{\"id\":\"ada@example.com\"}";
        assertThat(post(HubSpotBehaviour.BATCH_READ, "{\"idProperty\":\"email\",\"inputs\":[" + id
                + "],\"properties\":[\"email\"]}").status()).isEqualTo(400); // no propertiesWithHistory
        assertThat(post(HubSpotBehaviour.BATCH_READ, "{\"idProperty\":\"email\",\"inputs\":[" + id
                + "],\"propertiesWithHistory\":[]}").status()).isEqualTo(400); // no properties
        Answer found = post(HubSpotBehaviour.BATCH_READ, "{\"idProperty\":\"email\",\"inputs\":[" + id
                + ",{\"id\":\"nobody@example.com\"}],\"properties\":[\"email\",\"firstname\"],\"propertiesWithHistory\":[]}");
        assertThat(found.status()).isEqualTo(207);
        assertThat(found.json().path("results").get(0).path("properties").path("firstname").asText()).isEqualTo("Ada");
        assertThat(found.json().path("errors").get(0).path("context").path("ids").get(0).asText()).isEqualTo("nobody@example.com");
        // Without idProperty the ids are record ids: an address finds nobody.
        assertThat(post(HubSpotBehaviour.BATCH_READ, "{\"inputs\":[" + id + "],\"properties\":[\"email\"],"
                + "\"propertiesWithHistory\":[]}").json().path("results")).isEmpty();
        String many = IntStream.range(0, 51).mapToObj(i -> "{\"id\":\"p" + i + "@example.com\"}")
                .collect(Collectors.joining(",", "[", "]"));
        assertThat(post(HubSpotBehaviour.BATCH_READ, "{\"idProperty\":\"email\",\"inputs\":" + many
                + ",\"properties\":[\"email\"],\"propertiesWithHistory\":[\"email\"]}").status()).isEqualTo(400);
    }

    @Test
    void batch_update_writes_only_existing_properties_of_existing_contacts() {
        hubspot.seed("old@example.com", (String) null);
        assertThat(post(HubSpotBehaviour.BATCH_UPDATE, "{\"inputs\":[{\"idProperty\":\"email\",\"id\":\"old@example.com\","
                + "\"properties\":{\"shoe_size\":\"42\"}}]}").status()).isEqualTo(400);
        assertThat(post(HubSpotBehaviour.BATCH_UPDATE, "{\"inputs\":[{\"idProperty\":\"email\",\"id\":\"old@example.com\","
                + "\"properties\":{\"email\":\"new@example.com\",\"lastname\":\"Newman\"}}]}").status()).isEqualTo(200);
        assertThat(hubspot.contact("new@example.com")).containsEntry("lastname", "Newman");
        assertThat(hubspot.contact("old@example.com")).isNull();
        assertThat(post(HubSpotBehaviour.BATCH_UPDATE, "{\"inputs\":[{\"idProperty\":\"email\",\"id\":\"old@example.com\","
                + "\"properties\":{\"lastname\":\"X\"}}]}").json().path("results")).isEmpty();
    }

    @Test
    void gdpr_delete_removes_and_blocklists_and_answers_404_for_strangers() {
        hubspot.seed("erase@example.com", (String) null);
        assertThat(post(HubSpotBehaviour.GDPR_DELETE, "{\"idProperty\":\"email\"}").status()).isEqualTo(400);
        assertThat(post(HubSpotBehaviour.GDPR_DELETE, "{\"objectId\":\"erase@example.com\",\"idProperty\":\"email\"}")
                .status()).isEqualTo(204);
        assertThat(hubspot.contact("erase@example.com")).isNull();
        assertThat(post(HubSpotBehaviour.GDPR_DELETE, "{\"objectId\":\"stranger@example.com\",\"idProperty\":\"email\"}")
                .status()).isEqualTo(404);
        assertThat(hubspot.contacts().blocklisted("stranger@example.com")).isTrue();
        assertThat(hubspot.contacts().blocklisted("erase@example.com")).isTrue();
    }

    @Test
    void the_contact_list_pages_by_after_up_to_100() {
        IntStream.range(0, 150).forEach(i -> hubspot.seed("c" + i + "@example.com", (String) null));
        String auth = "Bearer " + TOKEN;
        assertThat(call(server, "GET", HubSpotBehaviour.CONTACTS + "?limit=101", null, "Authorization", auth).status())
                .isEqualTo(400);
        Answer first = call(server, "GET", HubSpotBehaviour.CONTACTS + "?limit=100&properties=email,hs_email_optout", null,
                "Authorization", auth);
        assertThat(first.json().path("results")).hasSize(100);
        assertThat(first.json().path("results").get(0).path("properties").path("hs_email_optout").asText()).isEqualTo("false");
        String after = first.json().path("paging").path("next").path("after").asText();
        Answer second = call(server, "GET", HubSpotBehaviour.CONTACTS + "?limit=100&after=" + after, null,
                "Authorization", auth);
        assertThat(second.json().path("results")).hasSize(50);
        assertThat(second.json().has("paging")).isFalse();
    }

    @Test
    void the_hundred_and_first_call_in_ten_seconds_is_a_429_naming_the_policy_and_the_window_rolls_on() {
        String path = HubSpotBehaviour.OPT_OUT + "?channel=EMAIL";
        for (int i = 0; i < 100; i++) {
            assertThat(post(path, "{\"inputs\":[\"a@example.com\"]}").status()).isEqualTo(200);
        }
        Answer limited = post(path, "{\"inputs\":[\"a@example.com\"]}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().path("policyName").asText()).isEqualTo("TEN_SECONDLY_ROLLING");
        assertThat(limited.json().path("errorType").asText()).isEqualTo("RATE_LIMIT");
        assertThat(limited.header("X-HubSpot-RateLimit-Interval-Milliseconds")).isEqualTo("10000");
        assertThat(limited.header("X-HubSpot-RateLimit-Max")).isEqualTo("100");
        assertThat(limited.header("X-HubSpot-RateLimit-Remaining")).isEqualTo("0");
        clock.addAndGet(10_000);
        assertThat(post(path, "{\"inputs\":[\"a@example.com\"]}").status()).isEqualTo(200);
    }

    @Test
    void a_spent_daily_allowance_is_a_429_with_policy_daily() {
        hubspot.dailyRemaining(0);
        Answer limited = post(HubSpotBehaviour.OPT_OUT + "?channel=EMAIL", "{\"inputs\":[\"a@example.com\"]}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().path("policyName").asText()).isEqualTo("DAILY");
        assertThat(limited.header("X-HubSpot-RateLimit-Daily-Remaining")).isEqualTo("0");
    }
}
