package io.lethe.mail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.lethe.notify.Templates;
import io.lethe.notify.MessageIds;
import io.lethe.requests.RequestType;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The notification texts read well, Message-IDs name the sender's domain, SMTP failures are told apart. */
class MailTextsTest {

    static final Pattern WRONG_ARTICLE = Pattern.compile("(?i)\\ba [aeiou]");

    @Test
    void no_template_says_a_erasure_for_any_request_type() throws IOException {
        Templates templates = new Templates(Path.of("config/mail"));
        List<String> names;
        try (Stream<Path> files = Files.list(Path.of("config/mail"))) {
            names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".txt"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
        }
        assertThat(names).contains("verification", "receipt", "dpo-reminder", "dpo-mail-failed");
        for (RequestType type : RequestType.values()) {
            Map<String, String> values = new HashMap<>();
            values.put("type", type.wire());
            values.put("aType", Templates.withArticle(type.wire()));
            values.put("action", "erasure");
            for (String name : names) {
                Templates.Message m = templates.render(name, values);
                assertThat(WRONG_ARTICLE.matcher(m.subject() + "\n" + m.body()).find())
                        .as("%s for %s: %s", name, type.wire(), m.body()).isFalse();
            }
        }
        assertThat(Templates.withArticle("erasure")).isEqualTo("an erasure");
        assertThat(Templates.withArticle("rectification")).isEqualTo("a rectification");
    }

    @Test
    void message_ids_are_random_and_in_the_domain_of_the_sender() {
        MessageIds ids = new MessageIds("Privacy Desk <Privacy@Example-Corp.EU>");
        assertThat(ids.next()).matches("<[0-9a-f]{32}@example-corp\\.eu>").isNotEqualTo(ids.next());
        assertThat(new MessageIds("lethe@hub.example.org").domain()).isEqualTo("hub.example.org");
        assertThat(new MessageIds("").domain()).isEqualTo("localhost");
        assertThat(new MessageIds("no-at-sign").domain()).isEqualTo("localhost");
    }

    @Test
    void smtp_failures_are_transient_or_permanent_and_never_quote_the_server() throws Exception {
        String address = "someone.with.a.long.address@mailbox.example.org";
        SMTPAddressFailedException refused = new SMTPAddressFailedException(new InternetAddress(address), "RCPT",
                550, "550 5.1.1 <" + address + ">: Recipient address rejected");
        SendFailedException sendFailed = new SendFailedException("Invalid Addresses", refused);
        MailFailure permanent = Mailer.classify(new org.apache.camel.RuntimeCamelException(sendFailed));
        assertThat(permanent.permanent()).isTrue();
        assertThat(permanent.getMessage()).isEqualTo("SMTP 550 (refused)");

        SMTPAddressFailedException greylisted = new SMTPAddressFailedException(new InternetAddress(address), "RCPT",
                451, "451 4.7.1 <" + address + ">: try again later");
        MailFailure later = Mailer.classify(new MessagingException("x", new SendFailedException("y", greylisted)));
        assertThat(later.permanent()).isFalse();
        assertThat(later.getMessage()).isEqualTo("SMTP 451 (try again later)");

        MailFailure down = Mailer.classify(new MailConnectException(new SocketConnectException("refused",
                new java.net.ConnectException("Connection refused"), "localhost", 25, 1000)));
        assertThat(down.permanent()).isFalse();
        assertThat(down.replyCode()).isNull();
        assertThat(permanent.getMessage() + later.getMessage() + down.getMessage()).doesNotContain(address);
    }
}
