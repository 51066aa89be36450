package io.lethe.api;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.Test;

import static io.lethe.api.ConsentApiTest.event;
import static org.assertj.core.api.Assertions.assertThat;

/** Personal data is encrypted at rest: the embedded database file is searched for what was seeded. */
class EncryptedAtRestH2Test extends HubTestSupport {

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Test
    void the_database_file_never_holds_a_seeded_address_in_clear_text() throws Exception {
        String email = "cleartext-canary@example.org";
        assertThat(api.post("/api/v1/consents", ADMIN_KEY, event(email, "canary-ext-id-4711", "granted",
                "2026-11-01T00:00:00Z")).status()).isEqualTo(201);
        // A free-text source is the caller's to fill: it may hold an address too.
        assertThat(api.post("/api/v1/consents", ADMIN_KEY, "{\"subject\":{\"externalId\":\"canary-ext-id-4711\"},"
                + "\"purpose\":\"analytics\",\"status\":\"granted\",\"source\":\"call with source-canary@example.org\"}")
                .status()).isEqualTo(201);
        context.stop(); // closes the pool, so H2 writes everything to the file
        byte[] file = Files.readAllBytes(database.h2File());
        String asLatin1 = new String(file, StandardCharsets.ISO_8859_1);
        assertThat(asLatin1).as("the scan sees clear text that is meant to be clear").contains("email_marketing");
        assertThat(asLatin1).doesNotContain("cleartext-canary").doesNotContain("canary-ext-id-4711")
                .doesNotContain("source-canary").doesNotContain("web-form")
                .doesNotContain("203.0.113.7").doesNotContain("Mozilla/5.0");
        String asUtf16 = new String(file, StandardCharsets.UTF_16BE);
        assertThat(asUtf16).doesNotContain("cleartext-canary");
    }
}
