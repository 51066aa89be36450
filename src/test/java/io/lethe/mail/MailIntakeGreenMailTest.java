package io.lethe.mail;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Properties;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The mail scenarios on GreenMail (SMTP and IMAP in the test JVM). */
class MailIntakeGreenMailTest extends MailScenarios {

    GreenMail mail;

    @Override
    protected Properties extraProperties() {
        mail = new GreenMail(ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP));
        mail.start();
        mail.setUser(hub(), "hub", "secret");
        mail.setUser(vendor(), "vendor", "secret");
        mail.setUser(dpo(), "dpo", "secret");
        Properties p = super.extraProperties();
        // vendors are reminded at every sweep, so that the reminder's thread can be tested
        p.put("lethe.requests.vendor-reminder-days", "0");
        p.put("lethe.requests.sweep-ms", "2000");
        return p;
    }

    @Test
    @Order(50)
    void a_reminder_continues_the_thread_with_a_token_of_its_own_and_its_answer_counts() throws Exception {
        Asked a = askVendor("reminded");
        MimeMessage[] reminder = new MimeMessage[1];
        await().atMost(WAIT).until(() -> {
            for (MimeMessage m : inbox(vendor())) {
                String[] inReplyTo = m.getHeader("In-Reply-To");
                if (m.getSubject().contains("Reminder") && inReplyTo != null && inReplyTo[0].equals(a.messageId())) {
                    reminder[0] = m;
                    return true;
                }
            }
            return false;
        });
        java.util.regex.Matcher ref = REF.matcher(reminder[0].getSubject());
        assertThat(ref.find()).isTrue();
        assertThat(ref.group(1)).isNotEqualTo(a.ref());
        assertThat(reminder[0].getMessageID()).isNotEqualTo(a.messageId());
        // The reminder's Message-ID is a credential for the vendor's answer: the mail queue's API never shows it.
        assertThat(api.get("/api/v1/mail/outbox?status=all&limit=1000", COMPLIANCE_KEY).body())
                .contains("vendor-reminder").doesNotContain(reminder[0].getMessageID());
        Asked answered = new Asked(a.requestId(), a.person(), reminder[0].getSubject(), reminder[0].getMessageID(),
                ref.group(1));
        vendorReply("reference-only-in-reply-to.eml", answered);
        awaitVendor(a.requestId(), "completed");
    }

    @AfterAll
    void stop() {
        context.stop();
        mail.stop();
    }

    @Override
    void deliverFromNullSender(byte[] raw) throws Exception {
        // GreenMail's SMTP refuses MAIL FROM:<>; deliver the way its SMTP server would
        mail.getUserManager().getUserByEmail(hub()).deliver(new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw)));
    }

    @Override
    String host() {
        return "localhost";
    }

    @Override
    int smtpPort() {
        return mail.getSmtp().getPort();
    }

    @Override
    int imapPort() {
        return mail.getImap().getPort();
    }

    @Override
    String hub() {
        return "privacy-hub@lethe-customer.example";
    }

    @Override
    String vendor() {
        return "privacy-requests@vendor-without-api.example";
    }

    @Override
    String dpo() {
        return "data-protection-officer@lethe-customer.example";
    }

    @Override
    String personAddress(String tag) {
        String address = tag + ".mail-test-person@customers.example.org";
        if (mail.getUserManager().getUser(address) == null) {
            mail.setUser(address, address, "secret");
        }
        return address;
    }

    @Override
    String[] login(String address) {
        if (address.equals(hub())) {
            return new String[] {"hub", "secret"};
        }
        if (address.equals(vendor())) {
            return new String[] {"vendor", "secret"};
        }
        if (address.equals(dpo())) {
            return new String[] {"dpo", "secret"};
        }
        return new String[] {address, "secret"};
    }

    // 3. A mailbox that cannot be read shows in health (last: it stops the mail server)
    @Test
    @Order(100)
    void a_stuck_mailbox_makes_health_down() {
        assertThat(api.get("/observe/health", null).status()).isEqualTo(200);
        mail.getImap().stopService();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var down = api.get("/observe/health", null);
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.json().path("status").asText()).isEqualTo("DOWN");
        });
    }
}
