package io.lethe.mail;

import java.time.Duration;
import java.util.Properties;

import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A vendor whose privacy address is dead, on the real servers of {@code .ci/mail-servers.sh}: Postfix itself bounces
 * the hub's e-mail (ghost@lethe.test is an alias of a user that does not exist), and the hub reads that bounce.
 */
@EnabledIfEnvironmentVariable(named = "LETHE_TEST_REAL_MAIL", matches = "true")
class RealBounceTest extends HubTestSupport {

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        Properties p = new Properties();
        p.put("lethe.connectors", "manual");
        p.put("lethe.manual.privacy-email", "ghost@lethe.test");
        p.put("lethe.smtp.url", "smtp://127.0.0.1:2525");
        // a mailbox of its own: hubs of earlier test classes may still be polling hub@lethe.test
        p.put("lethe.mail.from", "hub2@lethe.test");
        p.put("lethe.dpo.email", "dpo@lethe.test");
        p.put("lethe.imap.url", "imap://127.0.0.1:1143?username=hub2&password=secret&initialDelay=0&delay=300");
        p.put("lethe.dispatch.poll-ms", "50");
        return p;
    }

    @Test
    void postfixs_own_bounce_of_a_vendor_mail_reaches_the_dpo_and_files_nothing() {
        String person = "alice+bounced-vendor." + MailScenarios.RUN + "@lethe.test";
        String id = api.post("/api/v1/requests", ADMIN_KEY, "{\"type\":\"erasure\",\"subject\":{\"email\":\"" + person
                + "\"}}").json().path("requestId").asText();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(api.get("/api/v1/requests/" + id,
                ADMIN_KEY).json().path("vendors").get(0).path("status").asText()).isEqualTo("action_required"));
        await().atMost(Duration.ofSeconds(30)).until(() -> dpoAlertsAboutBounce(id) > 0);
        assertThat(api.get("/api/v1/requests/" + id, ADMIN_KEY).json().path("status").asText()).isEqualTo("action_required");
        assertThat(api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"mailer-daemon@mail.lethe.test\"}").status())
                .isEqualTo(404);
        assertThat(api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"" + person + "\"}").status()).isEqualTo(200);
    }

    @AfterAll
    void stopHub() {
        context.stop();
    }

    long dpoAlertsAboutBounce(String requestId) throws Exception {
        try (Store store = Session.getInstance(new Properties()).getStore("imap")) {
            store.connect("127.0.0.1", 1143, "dpo", "secret");
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            long n = 0;
            for (Message m : inbox.getMessages()) {
                if (m.getSubject().contains("mailbox needs a person") && String.valueOf(m.getContent()).contains("bounced")
                        && String.valueOf(m.getContent()).contains(requestId)) {
                    n++;
                }
            }
            return n;
        }
    }
}
