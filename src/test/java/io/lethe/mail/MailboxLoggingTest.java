package io.lethe.mail;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.lethe.support.HubTestSupport;
import io.lethe.support.LogCapture;
import io.lethe.support.TestDatabase;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A message camel-mail cannot decode used to put a piece of it into the log on every poll (Jakarta Mail's decoding
 * error quotes "the 10 most recent characters"). The hub's mailbox now logs the kind of failure only.
 */
class MailboxLoggingTest extends HubTestSupport {

    GreenMail mail;
    GreenMailUser hub;
    LogCapture logs;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        mail = new GreenMail(ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP));
        mail.start();
        hub = mail.setUser("privacy-inbox@hub.lethe-test.example", "hub", "secret");
        logs = LogCapture.attach();
        Properties p = new Properties();
        p.put("lethe.smtp.url", "smtp://localhost:" + mail.getSmtp().getPort());
        p.put("lethe.imap.url", "imap://localhost:" + mail.getImap().getPort()
                + "?username=hub&password=secret&initialDelay=0&delay=200");
        return p;
    }

    @AfterAll
    void stop() {
        mail.stop();
        logs.close();
    }

    @Test
    void a_message_that_cannot_be_decoded_leaves_none_of_its_text_in_the_log() throws Exception {
        String raw = "From: cornelius.vandermeulen@personal-mail.example\r\nTo: privacy-inbox@hub.lethe-test.example\r\n"
                + "Subject: Please delete my data\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
                + "Please erase me: cornelius.vandermeulen@personal-mail.example=tail\r\n";
        hub.deliver(new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
        await().atMost(Duration.ofSeconds(20)).until(() -> logs.text().contains("DecodingException"));
        assertThat(logs.text()).doesNotContain("ample=tail").doesNotContain("most recent characters")
                .doesNotContain("cornelius").doesNotContain("personal-mail");
    }
}
