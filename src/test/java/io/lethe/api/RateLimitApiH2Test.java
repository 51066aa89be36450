package io.lethe.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Abuse limits through the API: failed keys per client address, look-ups and filings per key and per address.
 * The hub trusts the loopback proxy here, so each test speaks for its own client through X-Forwarded-For.
 */
class RateLimitApiH2Test extends HubTestSupport {

    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        Properties p = new Properties();
        p.put("lethe.trusted-proxies", "127.0.0.1,::1");
        p.put("lethe.api.rate-limit.failed-auth-per-minute", "3");
        p.put("lethe.api.rate-limit.lookups-per-minute", "2");
        p.put("lethe.api.rate-limit.filings-per-minute", "2");
        return p;
    }

    HttpResponse<String> post(String path, String key, String client, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").header("X-Forwarded-For", client)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static void assertTooMany(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
        assertThat(new ObjectMapper().readTree(r.body()).path("status").asInt()).isEqualTo(429);
    }

    @Test
    void an_address_guessing_keys_is_refused_with_429_even_once_it_sends_a_valid_key() throws IOException {
        String lookup = "{\"email\":\"key.guessing.target@beispiel-shop.de\"}";
        for (int i = 0; i < 3; i++) {
            assertThat(post("/api/v1/subjects/lookup", "lethe_guess_" + i, "203.0.113.50", lookup).statusCode())
                    .isEqualTo(401);
        }
        assertTooMany(post("/api/v1/subjects/lookup", "lethe_guess_4", "203.0.113.50", lookup));
        assertTooMany(post("/api/v1/subjects/lookup", ADMIN_KEY, "203.0.113.50", lookup));
        assertThat(post("/api/v1/subjects/lookup", ADMIN_KEY, "203.0.113.51", lookup).statusCode()).isEqualTo(404);
    }

    @Test
    void look_ups_are_limited_per_key_and_per_address() throws IOException {
        String lookup = "{\"email\":\"enumeration.target.person@beispiel-shop.de\"}";
        assertThat(post("/api/v1/subjects/lookup", MARKETER_KEY, "198.51.100.1", lookup).statusCode()).isEqualTo(404);
        assertThat(post("/api/v1/subjects/lookup", MARKETER_KEY, "198.51.100.2", lookup).statusCode()).isEqualTo(404);
        assertTooMany(post("/api/v1/subjects/lookup", MARKETER_KEY, "198.51.100.3", lookup)); // the key's limit
        assertThat(post("/api/v1/subjects/lookup", COMPLIANCE_KEY, "198.51.100.2", lookup).statusCode()).isEqualTo(404);
        assertTooMany(post("/api/v1/subjects/lookup", COMPLIANCE_KEY, "198.51.100.2", lookup)); // the address's
    }

    @Test
    void request_filings_over_the_limit_are_429_and_store_nothing() throws IOException {
        String filing = "{\"type\":\"objection\",\"subject\":{\"email\":\"filing.flood.person@beispiel-shop.de\"},"
                + "\"purposes\":[\"profiling\"]}";
        assertThat(post("/api/v1/requests", INTAKE_KEY, "192.0.2.10", filing).statusCode()).isEqualTo(202);
        assertThat(post("/api/v1/requests", INTAKE_KEY, "192.0.2.11", filing).statusCode()).isEqualTo(202);
        long requests = database.count("dsr");
        assertTooMany(post("/api/v1/requests", INTAKE_KEY, "192.0.2.12", filing));
        assertThat(database.count("dsr")).isEqualTo(requests);
    }
}
