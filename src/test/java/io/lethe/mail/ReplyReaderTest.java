package io.lethe.mail;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.lethe.requests.RequestType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reader on the fixtures, as mail clients write them (no hub needed). */
class ReplyReaderTest {

    static final ReplyReader READER = ReplyReader.load(Path.of("config/mail"));
    static final String VENDOR = "privacy-requests@vendor-without-api.example";

    static Map<String, String> values() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("hub", "privacy-hub@lethe-customer.example");
        v.put("vendor", VENDOR);
        v.put("person", "erika.mustermann-test@customers.example.org");
        v.put("ref", "0123456789abcdef0123456789abcdef/manual");
        v.put("subject", "[Lethe ref 0123456789abcdef0123456789abcdef/manual] Erasure request (GDPR Art. 17)");
        v.put("messageId", "<5f1e0c7a9b2d4e6f8a0b1c2d3e4f5a6b@lethe-customer.example>");
        v.put("requestId", "3b1f5d2e-8c4a-4f7e-9d6b-1a2c3e4f5a6b");
        v.put("newId", "<CAF=reply-1@mail.gmail.com>");
        v.put("from", "someone.else.entirely@attacker-domain.example");
        return v;
    }

    static InboundMail mail(String fixture) throws Exception {
        return InboundMail.parse(MailFixtures.fill(fixture, values()));
    }

    static String verdict(String fixture) throws Exception {
        return READER.verdict(READER.ownText(mail(fixture))).status();
    }

    @Test
    void a_refusal_in_an_html_only_gmail_reply_is_not_read_as_holds_no_data() throws Exception {
        assertThat(READER.ownText(mail("gmail-html-refusal.eml"))).contains("legal hold").doesNotContain("hold no data");
        assertThat(verdict("gmail-html-refusal.eml")).isEqualTo("action_required");
    }

    @Test
    void the_hubs_own_sentence_under_an_outlook_from_sent_block_is_never_a_verdict() throws Exception {
        InboundMail outlook = mail("outlook-from-sent-block.eml");
        assertThat(READER.ownText(outlook)).contains("legal department").doesNotContain("no data");
        assertThat(verdict("outlook-from-sent-block.eml")).isEqualTo("action_required");
        // the HTML alternative alone reads the same
        assertThat(READER.verdict(READER.withoutTemplates(ReplyReader.stripQuotes(
                ReplyReader.htmlToText(outlook.htmlText())))).status()).isEqualTo("action_required");
        assertThat(ReplyReader.htmlToText(outlook.htmlText())).doesNotContain("hold no data");
    }

    @Test
    void answers_below_the_quote_and_in_html_blockquotes_are_read() throws Exception {
        assertThat(verdict("thunderbird-bottom-posted.eml")).isEqualTo("completed");
        assertThat(verdict("apple-mail-html-blockquote.eml")).isEqualTo("completed");
        assertThat(verdict("plain-deleted.eml")).isEqualTo("completed");
        assertThat(verdict("rfc2047-subject-german.eml")).isEqualTo("completed");
        assertThat(verdict("folded-subject-french.eml")).isEqualTo("completed");
    }

    @Test
    void headers_are_decoded_and_unfolded() throws Exception {
        assertThat(mail("rfc2047-subject-german.eml").subject())
                .isEqualTo("AW: [Lethe ref 0123456789abcdef0123456789abcdef/manual] Löschanfrage (DSGVO Art. 17)");
        assertThat(mail("folded-subject-french.eml").subject())
                .isEqualTo("[EXTERNAL] RE: [Lethe ref 0123456789abcdef0123456789abcdef/manual] Erasure request (GDPR Art. 17)");
        InboundMail inReplyTo = mail("reference-only-in-reply-to.eml");
        assertThat(inReplyTo.replyIds()).containsExactly("<5f1e0c7a9b2d4e6f8a0b1c2d3e4f5a6b@lethe-customer.example>",
                "<thread-root-7731@helpdesk.vendor.example>");
        assertThat(inReplyTo.sender()).isEqualTo(VENDOR);
    }

    @Test
    void only_clear_phrases_give_a_verdict() {
        assertThat(READER.verdict("We hold no data about this person.").status()).isEqualTo("not_found");
        assertThat(READER.verdict("Wir haben keine Daten zu dieser Person.").status()).isEqualTo("not_found");
        assertThat(READER.verdict("Sorry, we cannot do that without a court order.").status()).isEqualTo("action_required");
        assertThat(READER.verdict("Thanks, will look into it.").status()).isEqualTo("action_required");
        assertThat(READER.verdict("We have not deleted anything yet.").status()).isEqualTo("action_required");
        assertThat(READER.verdict("Noch nicht gelöscht.").status()).isEqualTo("action_required");
        assertThat(READER.verdict("Deleted some records, but we found no data in the archive.").status())
                .isEqualTo("action_required");
        assertThat(READER.verdict("").status()).isEqualTo("action_required");
        assertThat(READER.verdict("Hemos eliminado todos los datos.").status()).isEqualTo("completed");
        assertThat(READER.verdict("Abbiamo cancellato tutti i dati.").status()).isEqualTo("completed");
        assertThat(READER.verdict("Wij hebben alle gegevens verwijderd.").status()).isEqualTo("completed");
        // the hub's own sentence alone, unquoted, is no answer
        assertThat(READER.verdict(READER.withoutTemplates("If you hold no data about them, please say so in your reply.")).status())
                .isEqualTo("action_required");
    }

    @Test
    void requests_in_other_languages_are_recognised() {
        assertThat(READER.intent("Bitte löschen Sie meine Daten")).contains(RequestType.ERASURE);
        assertThat(READER.intent("Je souhaite que vous supprimiez mes données")).contains(RequestType.ERASURE);
        assertThat(READER.intent("Por favor, borren mis datos")).contains(RequestType.ERASURE);
        assertThat(READER.intent("Vi chiedo di cancellare i miei dati")).contains(RequestType.ERASURE);
        assertThat(READER.intent("Verwijder alstublieft mijn gegevens")).contains(RequestType.ERASURE);
        assertThat(READER.intent("Ich bitte um Auskunft über meine Daten")).contains(RequestType.ACCESS);
        assertThat(READER.intent("Je voudrais une copie de mes données")).contains(RequestType.ACCESS);
        assertThat(READER.intent("Ik wil mij afmelden voor de nieuwsbrief")).contains(RequestType.OBJECTION);
        assertThat(READER.intent("Please unsubscribe me")).contains(RequestType.OBJECTION);
        assertThat(READER.intent("Newsletter: hello")).isEmpty();
    }

    @Test
    void replies_to_the_hubs_own_mails_are_recognised_by_subject() {
        assertThat(READER.isHubSubject("Re: Please confirm your request (reference 3b1f5d2e-8c4a)")).isTrue();
        assertThat(READER.isHubSubject("AW: [EXTERNAL] We received your request (reference x)")).isTrue();
        assertThat(READER.isHubSubject("Please delete my data")).isFalse();
    }

    @Test
    void bounces_and_auto_replies_are_automatic() throws Exception {
        InboundMail bounce = mail("postfix-bounce.eml");
        assertThat(bounce.isAutomatic()).isTrue();
        assertThat(bounce.isDeliveryReport()).isTrue();
        assertThat(bounce.embeddedIds()).contains("<5f1e0c7a9b2d4e6f8a0b1c2d3e4f5a6b@lethe-customer.example>");
        assertThat(mail("out-of-office.eml").isAutomatic()).isTrue();
        assertThat(mail("out-of-office.eml").isDeliveryReport()).isFalse();
        assertThat(mail("thunderbird-bottom-posted.eml").isAutomatic()).isFalse();
        assertThat(mail("request-de.eml").isAutomatic()).isFalse();
    }

    @Test
    void unreadable_messages_are_malformed() {
        for (String f : new String[] {"invalid-base64.eml", "unknown-charset.eml", "garbage-envelope.eml"}) {
            assertThatThrownBy(() -> mail(f)).as(f).isInstanceOf(InboundMail.Malformed.class);
        }
    }
}
