package io.lethe.requests;

import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The DPO is reminded once of an open request before it is due. */
class RemindersTest extends HubTestSupport {

    GreenMail mail;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        Properties p = new Properties();
        p.put("lethe.smtp.url", "smtp://localhost:" + mail.getSmtp().getPort());
        p.put("lethe.dpo.email", "dpo@example.org");
        p.put("lethe.requests.sweep-ms", "200");
        p.put("lethe.requests.remind-before-days", "40"); // every new GDPR request is within the lead
        return p;
    }

    @AfterAll
    void stop() {
        mail.stop();
    }

    @Test
    void an_open_request_is_reminded_once() throws Exception {
        String id = api.post("/api/v1/requests", INTAKE_KEY,
                "{\"type\":\"erasure\",\"subject\":{\"email\":\"remind@example.com\"}}").json().path("requestId").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> Arrays.stream(mail.getReceivedMessages())
                .anyMatch(m -> subject(m).contains("[Lethe] request " + id + " is due")));
        Thread.sleep(1000); // several sweeps later
        assertThat(Arrays.stream(mail.getReceivedMessages()).filter(m -> subject(m).contains(id + " is due"))).hasSize(1);
    }

    static String subject(jakarta.mail.Message m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
