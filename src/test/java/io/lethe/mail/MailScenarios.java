package io.lethe.mail;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import jakarta.mail.Address;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Mail as real clients and servers write it, end to end: each fixture of src/test/resources/mail is sent through SMTP
 * into the hub's mailbox and read by the hub through IMAP; the outcome is checked through the API and the mailboxes
 * of the vendor, the DPO and the people. Run against GreenMail ({@link MailIntakeGreenMailTest}) and against real
 * Postfix and Dovecot ({@link MailIntakeRealServersTest}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class MailScenarios extends HubTestSupport {

    static final Pattern REF = Pattern.compile("\\[Lethe ref ([0-9a-f]{32}/manual)]");
    static final Duration WAIT = Duration.ofSeconds(30);

    /** The mail world of one server kind. */
    abstract String host();

    abstract int smtpPort();

    abstract int imapPort();

    abstract String hub();

    abstract String vendor();

    abstract String dpo();

    /** An address (25-64 characters) for a person whose mailbox the test can read. */
    abstract String personAddress(String tag);

    /** Unique per run: mailboxes of real servers may still hold mail of an earlier run. */
    static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);

    String person(String tag) {
        return personAddress(tag + "." + RUN);
    }

    /** IMAP login and password of an address. */
    abstract String[] login(String address);

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        Properties p = new Properties();
        p.put("lethe.connectors", "manual");
        p.put("lethe.manual.privacy-email", vendor());
        p.put("lethe.smtp.url", "smtp://" + host() + ":" + smtpPort());
        p.put("lethe.mail.from", hub());
        p.put("lethe.dpo.email", dpo());
        String[] hub = login(hub());
        p.put("lethe.imap.url", "imap://" + host() + ":" + imapPort() + "?username=" + hub[0] + "&password=" + hub[1]
                + "&initialDelay=0&delay=300");
        p.put("lethe.dispatch.poll-ms", "50");
        p.put("lethe.public-url", "http://localhost:" + port);
        return p;
    }

    /** This hub stops with its class: a hub left running would keep reading a mailbox the next class uses. */
    @AfterAll
    void stopHub() {
        context.stop();
    }

    /** A request and the e-mail the hub sent the vendor for it. */
    record Asked(String requestId, String person, String subject, String messageId, String ref) {
    }

    Asked askVendor(String tag) throws Exception {
        String person = person(tag);
        String id = api.post("/api/v1/requests", ADMIN_KEY, "{\"type\":\"erasure\",\"subject\":{\"email\":\"" + person + "\"}}")
                .json().path("requestId").asText();
        MimeMessage[] asked = new MimeMessage[1];
        await().atMost(WAIT).until(() -> {
            for (MimeMessage m : inbox(vendor())) {
                if (String.valueOf(m.getContent()).contains(person)) {
                    asked[0] = m;
                    return true;
                }
            }
            return false;
        });
        Matcher ref = REF.matcher(asked[0].getSubject());
        assertThat(ref.find()).as("the vendor's subject carries a token reference").isTrue();
        assertThat(asked[0].getSubject()).doesNotContain(id);
        await().atMost(WAIT).until(() -> vendorStatus(id).equals("submitted"));
        return new Asked(id, person, asked[0].getSubject(), asked[0].getMessageID(), ref.group(1));
    }

    Map<String, String> values(Asked a, String from) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("hub", hub());
        v.put("vendor", vendor());
        v.put("from", from);
        v.put("newId", "<" + UUID.randomUUID() + "@fixture.test>");
        if (a != null) {
            v.put("person", a.person());
            v.put("subject", a.subject());
            v.put("messageId", a.messageId());
            v.put("ref", a.ref());
            v.put("requestId", a.requestId());
        }
        return v;
    }

    /** Sends a fixture to the hub's mailbox; returns its own Message-ID. */
    String send(String fixture, Map<String, String> values, String envelopeFrom) throws Exception {
        if (envelopeFrom.equals("<>")) {
            deliverFromNullSender(MailFixtures.fill(fixture, values));
            return values.get("newId");
        }
        Properties props = new Properties();
        props.put("mail.smtp.host", host());
        props.put("mail.smtp.port", String.valueOf(smtpPort()));
        props.put("mail.smtp.from", envelopeFrom);
        Session session = Session.getInstance(props);
        MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(MailFixtures.fill(fixture, values)));
        try (Transport t = session.getTransport("smtp")) {
            t.connect();
            t.sendMessage(message, new Address[] {new InternetAddress(hub())});
        }
        return values.get("newId");
    }

    /** A message with the null envelope sender (a bounce), as the mail server itself would deliver it. */
    void deliverFromNullSender(byte[] raw) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", host());
        props.put("mail.smtp.port", String.valueOf(smtpPort()));
        props.put("mail.smtp.from", "<>");
        Session session = Session.getInstance(props);
        try (Transport t = session.getTransport("smtp")) {
            t.connect();
            t.sendMessage(new MimeMessage(session, new ByteArrayInputStream(raw)), new Address[] {new InternetAddress(hub())});
        }
    }

    int count(String address, String name) throws Exception {
        String[] login = login(address);
        try (Store store = Session.getInstance(new Properties()).getStore("imap")) {
            store.connect(host(), imapPort(), login[0], login[1]);
            Folder folder = store.getFolder(name);
            return folder.exists() ? folder.getMessageCount() : 0;
        }
    }

    String vendorReply(String fixture, Asked a) throws Exception {
        return send(fixture, values(a, vendor()), vendor());
    }

    List<MimeMessage> inbox(String address) throws Exception {
        return folder(address, "INBOX", true);
    }

    List<MimeMessage> folder(String address, String name, boolean onlyTo) throws Exception { // readable mail only
        String[] login = login(address);
        Properties props = new Properties();
        Session session = Session.getInstance(props);
        List<MimeMessage> out = new ArrayList<>();
        try (Store store = session.getStore("imap")) {
            store.connect(host(), imapPort(), login[0], login[1]);
            Folder folder = store.getFolder(name);
            if (!folder.exists()) {
                return out;
            }
            folder.open(Folder.READ_ONLY);
            for (Message m : folder.getMessages()) {
                MimeMessage copy = new MimeMessage((MimeMessage) m);
                String to = String.join(",", copy.getHeader("To") == null ? new String[0] : copy.getHeader("To"));
                if (!onlyTo || to.toLowerCase().contains(address.toLowerCase())) {
                    out.add(copy);
                }
            }
            folder.close(false);
        }
        return out;
    }

    /** The DPO alerts that name a message. */
    long alertsAbout(String messageId) throws Exception {
        long n = 0;
        for (MimeMessage m : inbox(dpo())) {
            if (m.getSubject().contains("mailbox needs a person") && String.valueOf(m.getContent()).contains(messageId)) {
                n++;
            }
        }
        return n;
    }

    long mailsTo(String address, String subjectPart) throws Exception {
        return inbox(address).stream().filter(m -> {
            try {
                return m.getSubject().contains(subjectPart);
            } catch (Exception e) {
                return false;
            }
        }).count();
    }

    String vendorStatus(String id) {
        return api.get("/api/v1/requests/" + id, ADMIN_KEY).json().path("vendors").get(0).path("status").asText();
    }

    String status(String id) {
        return api.get("/api/v1/requests/" + id, ADMIN_KEY).json().path("status").asText();
    }

    boolean known(String email) {
        return api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"" + email + "\"}").status() == 200;
    }

    void awaitVendor(String id, String status) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(vendorStatus(id)).isEqualTo(status));
    }

    void awaitAlert(String messageId) {
        await().atMost(WAIT).until(() -> alertsAbout(messageId) > 0);
    }

    // 1. A forged vendor verdict
    @Test
    @Order(1)
    void a_forged_verdict_changes_nothing_and_reaches_the_dpo() throws Exception {
        Asked a = askVendor("forged-old-ref");
        // the request id the person sees, with the vendor's From forged: no secret, nothing happens
        String forged = send("forged-old-reference.eml", values(a, "attacker.mailer@attacker-domain.example"),
                "attacker.mailer@attacker-domain.example");
        awaitAlert(forged);
        assertThat(vendorStatus(a.requestId())).isEqualTo("submitted");
        assertThat(known(a.person())).isTrue();
        // the vendor's real answer still counts
        vendorReply("plain-deleted.eml", a);
        awaitVendor(a.requestId(), "completed");
        assertThat(status(a.requestId())).isEqualTo("completed");
        assertThat(known(a.person())).isFalse();
    }

    @Test
    @Order(2)
    void an_answer_from_another_address_is_never_a_verdict() throws Exception {
        Asked a = askVendor("forged-sender");
        String other = "someone.else.entirely@attacker-domain.example";
        String id = send("forged-sender.eml", values(a, other), other);
        awaitVendor(a.requestId(), "action_required");
        awaitAlert(id);
        assertThat(status(a.requestId())).isEqualTo("action_required");
        assertThat(known(a.person())).isTrue();
    }

    // 2. A refusal read as "holds no data"
    @Test
    @Order(3)
    void a_refusal_in_an_html_only_reply_needs_a_person() throws Exception {
        Asked a = askVendor("gmail-refusal");
        vendorReply("gmail-html-refusal.eml", a);
        awaitVendor(a.requestId(), "action_required");
        assertThat(known(a.person())).isTrue();
    }

    @Test
    @Order(4)
    void the_hubs_own_sentence_under_outlooks_from_sent_block_is_not_a_verdict() throws Exception {
        Asked a = askVendor("outlook-block");
        vendorReply("outlook-from-sent-block.eml", a);
        awaitVendor(a.requestId(), "action_required");
        assertThat(known(a.person())).isTrue();
    }

    @Test
    @Order(5)
    void apple_mails_html_answer_is_read_without_its_blockquote() throws Exception {
        Asked a = askVendor("apple-mail");
        vendorReply("apple-mail-html-blockquote.eml", a);
        awaitVendor(a.requestId(), "completed");
        assertThat(known(a.person())).isFalse();
    }

    // 5. Replies not found before
    @Test
    @Order(6)
    void a_bottom_posted_answer_is_read() throws Exception {
        Asked a = askVendor("thunderbird");
        vendorReply("thunderbird-bottom-posted.eml", a);
        awaitVendor(a.requestId(), "completed");
    }

    @Test
    @Order(7)
    void a_wholly_encoded_subject_is_decoded() throws Exception {
        Asked a = askVendor("rfc2047");
        vendorReply("rfc2047-subject-german.eml", a);
        awaitVendor(a.requestId(), "completed");
    }

    @Test
    @Order(8)
    void a_reference_folded_inside_the_subject_is_found() throws Exception {
        Asked a = askVendor("folded");
        vendorReply("folded-subject-french.eml", a);
        awaitVendor(a.requestId(), "completed");
    }

    @Test
    @Order(9)
    void a_reply_with_the_reference_only_in_in_reply_to_is_found_and_no_request_is_filed_for_the_vendor() throws Exception {
        Asked a = askVendor("in-reply-to");
        vendorReply("reference-only-in-reply-to.eml", a);
        awaitVendor(a.requestId(), "completed");
        assertThat(known(vendor())).isFalse(); // 8: no register subject for the vendor
    }

    // 4. Bounces and auto-replies
    @Test
    @Order(10)
    void a_bounce_of_a_vendor_mail_tells_the_dpo_and_files_nothing() throws Exception {
        Asked a = askVendor("bounced");
        Map<String, String> v = values(a, "");
        send("postfix-bounce.eml", v, "<>");
        awaitVendor(a.requestId(), "action_required");
        await().atMost(WAIT).until(() -> alertsAbout(a.messageId()) > 0);
        assertThat(known("mailer-daemon@mail.lethe.test")).isFalse(); // 8: no subject for the mailer daemon
        assertThat(known(a.person())).isTrue();
    }

    @Test
    @Order(11)
    void an_out_of_office_reply_is_ignored_and_the_real_answer_counts() throws Exception {
        Asked a = askVendor("out-of-office");
        vendorReply("out-of-office.eml", a);
        vendorReply("thunderbird-bottom-posted.eml", a);
        awaitVendor(a.requestId(), "completed");
    }

    // 3. One malformed message stops all intake
    @Test
    @Order(12)
    void unreadable_messages_are_set_aside_and_the_mailbox_keeps_moving() throws Exception {
        String sender = person("after-broken");
        List<String> broken = new ArrayList<>();
        for (String f : List.of("invalid-base64.eml", "unknown-charset.eml", "garbage-envelope.eml")) {
            broken.add(send(f, values(null, "broken.client.sender@customers.example.org"),
                    "broken.client.sender@customers.example.org"));
        }
        send("request-en.eml", values(null, sender), sender);
        await().atMost(WAIT).until(() -> mailsTo(sender, "Please confirm your request") == 1);
        for (String id : broken) {
            awaitAlert(id);
        }
        await().atMost(WAIT).until(() -> count(hub(), "Lethe-Quarantine") == 3);
        Thread.sleep(1500); // several more polls: each is told once
        for (String id : broken) {
            assertThat(alertsAbout(id)).isEqualTo(1);
        }
        assertThat(known("broken.client.sender@customers.example.org")).isFalse();
    }

    // 6. Replies to the hub's own mails; other languages
    @Test
    @Order(13)
    void a_person_answering_the_confirmation_mail_files_no_second_request() throws Exception {
        String sender = person("confirms-by-reply");
        send("request-en.eml", values(null, sender), sender);
        await().atMost(WAIT).until(() -> mailsTo(sender, "Please confirm your request") == 1);
        MimeMessage confirm = inbox(sender).stream().filter(m -> {
            try {
                return m.getSubject().contains("Please confirm");
            } catch (Exception e) {
                return false;
            }
        }).findFirst().orElseThrow();
        Map<String, String> v = values(null, sender);
        v.put("subject", confirm.getSubject());
        v.put("requestId", "x");
        String reply = send("person-confirmation-reply.eml", v, sender);
        awaitAlert(reply);
        assertThat(mailsTo(sender, "Please confirm your request")).isEqualTo(1);
    }

    @Test
    @Order(14)
    void requests_in_german_french_spanish_italian_and_dutch_are_filed() throws Exception {
        Map<String, String> senders = new LinkedHashMap<>();
        for (String lang : List.of("de", "fr", "es", "it", "nl")) {
            String sender = person("request-in-" + lang);
            senders.put(lang, sender);
            send("request-" + lang + ".eml", values(null, sender), sender);
        }
        for (String sender : senders.values()) {
            await().atMost(WAIT).until(() -> mailsTo(sender, "Please confirm your request") == 1);
            assertThat(String.valueOf(inbox(sender).get(0).getContent())).contains("erasure request");
        }
    }
}
