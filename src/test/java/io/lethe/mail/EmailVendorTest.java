package io.lethe.mail;

import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import jakarta.mail.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Vendors without an API are asked by e-mail and answer by e-mail; people can write to the hub's mailbox. */
class EmailVendorTest extends HubTestSupport {

    static final String PRIVACY = "privacy@vendor.test";
    GreenMail mail;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        mail = new GreenMail(ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP));
        mail.start();
        mail.setUser("hub@localhost", "hub", "secret");
        Properties p = new Properties();
        p.put("lethe.connectors", "manual");
        p.put("lethe.manual.privacy-email", PRIVACY);
        p.put("lethe.smtp.url", "smtp://localhost:" + mail.getSmtp().getPort());
        p.put("lethe.mail.from", "hub@localhost");
        p.put("lethe.imap.url", "imap://localhost:" + mail.getImap().getPort()
                + "?username=hub&password=secret&initialDelay=0&delay=200");
        p.put("lethe.dispatch.poll-ms", "50");
        p.put("lethe.public-url", "http://localhost:" + port);
        return p;
    }

    @AfterAll
    void stop() {
        mail.stop();
    }

    Message to(String address, String subjectPart) {
        return Arrays.stream(mail.getReceivedMessages()).filter(m -> {
            try {
                return m.getAllRecipients()[0].toString().equals(address) && m.getSubject().contains(subjectPart);
            } catch (Exception e) {
                return false;
            }
        }).findFirst().orElse(null);
    }

    @Test
    void an_erasure_is_asked_by_e_mail_and_the_vendors_reply_completes_it() throws Exception {
        String id = api.post("/api/v1/requests", ADMIN_KEY,
                "{\"type\":\"erasure\",\"subject\":{\"email\":\"person@example.com\"}}").json().path("requestId").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> to(PRIVACY, "Erasure request") != null);
        Message asked = to(PRIVACY, "Erasure request");
        assertThat(GreenMailUtil.getBody(asked)).contains("person@example.com").contains("erase");
        // the vendor sees a secret reference of its own, never the request id the person sees
        assertThat(asked.getSubject()).matches("\\[Lethe ref [0-9a-f]{32}/manual] .*").doesNotContain(id);
        assertThat(asked.getHeader("Message-ID")[0]).matches("<[0-9a-f]{32}@localhost>");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> // recorded just after the mail went out
                assertThat(api.get("/api/v1/requests/" + id, ADMIN_KEY).json().path("vendors").get(0).path("status")
                        .asText()).isEqualTo("submitted"));

        GreenMailUtil.sendTextEmail("hub@localhost", PRIVACY, "Re: " + asked.getSubject(),
                "Hello, we have deleted all data of this person.\n\n> If you hold no data about them, say so.",
                mail.getSmtp().getServerSetup());
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(api.get("/api/v1/requests/" + id, ADMIN_KEY).json().path("status").asText())
                        .isEqualTo("completed"));
        assertThat(api.get("/api/v1/requests/" + id, ADMIN_KEY).json().path("vendors").get(0).path("status").asText())
                .isEqualTo("completed");
    }

    @Test
    void a_person_who_writes_delete_my_data_gets_a_confirmation_link() {
        GreenMailUtil.sendTextEmail("hub@localhost", "writer@example.com", "Please delete my data",
                "Hi, I want you to delete everything you have about me.", mail.getSmtp().getServerSetup());
        await().atMost(Duration.ofSeconds(15)).until(() -> to("writer@example.com", "Please confirm your request") != null);
        assertThat(GreenMailUtil.getBody(to("writer@example.com", "Please confirm your request"))).contains("/verify/");
    }
}
