package io.lethe.mail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import io.lethe.mail.VendorMails;
import io.lethe.register.IdentityKind;
import io.lethe.requests.Regulation;
import io.lethe.requests.RequestService;
import io.lethe.requests.RequestType;
import jakarta.mail.MessagingException;
import org.apache.camel.Exchange;
import org.apache.camel.component.mail.MailConstants;
import org.apache.camel.component.mail.MailMessage;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the hub's own mailbox ({@code LETHE_IMAP_URL}, route template {@code mail-intake}). Each message is parsed by
 * the hub ({@link InboundMail}) and is exactly one of:
 * <ul>
 * <li>unreadable: moved to the quarantine folder, the DPO told once; the mailbox carries on;</li>
 * <li>automatic (bounce, out-of-office, list mail): never a request, never a verdict; a bounce of a vendor mail tells
 * the DPO that the vendor's address is dead and sets that vendor's part to {@code action_required};</li>
 * <li>a vendor's answer, accepted only when it answers a message the hub sent (its Message-ID in
 * {@code In-Reply-To}/{@code References}, or its secret token in the reference) and comes from that connector's
 * privacy contact; the verdict is read by {@link ReplyReader}; anything else that claims to be a vendor's answer goes
 * to the DPO and changes nothing;</li>
 * <li>a reply to one of the hub's own mails (a person answering the confirmation mail): not a new request;</li>
 * <li>otherwise, a person's request when their own text clearly asks for one (in any configured language), filed as
 * if through intake (erasure and access first need the person to confirm through the e-mailed link).</li>
 * </ul>
 * Nothing of a message's content is logged.
 */
public final class MailIntake {

    /** What became of a message. */
    public enum Outcome {
        QUARANTINED, AUTOMATIC, BOUNCE, VENDOR_VERDICT, NEEDS_PERSON, REPLY_TO_HUB, FILED, LEFT_ALONE
    }

    private static final Logger LOG = LoggerFactory.getLogger(MailIntake.class);
    private static final Pattern REF = Pattern.compile("(?i)\\[\\s*Lethe\\s+ref\\s+([0-9a-z-]{8,64})\\s*/\\s*([a-z0-9_-]+)\\s*]");
    private static final long LARGEST = 25L * 1024 * 1024;

    private final RequestService requests;
    private final VendorMails vendorMails;
    private final Connectors connectors;
    private final ReplyReader reader;
    private final MailboxAlerts dpo;
    private final MailboxWatch watch;
    private final String quarantine;
    private final List<String> hubAddresses;

    public MailIntake(RequestService requests, VendorMails vendorMails, Connectors connectors, ReplyReader reader,
            MailboxAlerts dpo, MailboxWatch watch, String quarantineFolder, List<String> hubAddresses) {
        this.requests = requests;
        this.vendorMails = vendorMails;
        this.connectors = connectors;
        this.reader = reader;
        this.dpo = dpo;
        this.watch = watch;
        this.quarantine = quarantineFolder;
        this.hubAddresses = hubAddresses.stream().filter(a -> a != null && !a.isBlank())
                .map(a -> a.strip().toLowerCase(Locale.ROOT)).toList();
    }

    /** The route step: the exchange carries the unmapped mail message ({@code mapMailMessage=false}). */
    public void handle(Exchange exchange) {
        jakarta.mail.Message message = exchange.getIn(MailMessage.class).getOriginalMessage();
        Outcome outcome;
        try {
            outcome = message.getSize() > LARGEST ? quarantine(headerId(message), "a message larger than 25 MB")
                    : process(raw(message));
            watch.messageDone();
        } catch (MessagingException | IOException e) {
            outcome = quarantine(headerId(message), "a message the mail server could not hand over ("
                    + e.getClass().getSimpleName() + ")");
            watch.messageDone();
        } catch (RuntimeException e) {
            watch.messageFailed(e); // e.g. the register is down: the message stays unread and is tried again
            throw e;
        }
        // camel-mail reads the commit headers (moveTo) from the message; a plain one keeps it from mapping the mail's
        // own headers again, which fails for a broken envelope
        DefaultMessage done = new DefaultMessage(exchange);
        if (outcome == Outcome.QUARANTINED) {
            done.setHeader(MailConstants.MAIL_MOVE_TO, quarantine);
        }
        exchange.setIn(done);
    }

    private static String headerId(jakarta.mail.Message message) {
        try {
            String[] id = message.getHeader("Message-ID");
            return id == null || id.length == 0 ? null : id[0].strip();
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
    }

    private static byte[] raw(jakarta.mail.Message message) throws MessagingException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    /** Handles one raw message (RFC 5322 bytes). */
    public Outcome process(byte[] raw) {
        InboundMail mail;
        try {
            mail = InboundMail.parse(raw);
        } catch (InboundMail.Malformed e) {
            return quarantine(InboundMail.rawMessageId(raw), "a message that cannot be read (" + e.getMessage() + ")");
        }
        if (mail.isAutomatic()) {
            return automatic(mail);
        }
        Optional<VendorMails.Sent> byId = vendorMails.byMessageIds(mail.replyIds());
        Optional<String> token = reference(mail.subject()).or(() -> reference(mail.plainText() + "\n" + mail.htmlText()));
        Optional<VendorMails.Sent> byToken = token.flatMap(vendorMails::byToken);
        if (byId.isPresent() || byToken.isPresent()) {
            if (byId.isPresent() && byToken.isPresent() && !byId.get().messageId().equals(byToken.get().messageId())
                    && !sameRequest(byId.get(), byToken.get())) {
                return needsPerson(mail, byId.get().requestId(),
                        "a vendor reply answers one request but carries the reference of another");
            }
            return vendorAnswer(mail, byId.orElseGet(byToken::get));
        }
        if (token.isPresent() || isPrivacyContact(mail.sender())) {
            return needsPerson(mail, null, "a message that looks like a vendor's answer but does not answer any e-mail"
                    + " the hub sent (no matching Message-ID or reference token); nothing was changed");
        }
        if (answersHub(mail)) {
            return needsPerson(mail, null, "a person answered one of the hub's own e-mails; it was not filed as a new"
                    + " request (a request is confirmed only through the link in the e-mail)");
        }
        return personRequest(mail);
    }

    private static boolean sameRequest(VendorMails.Sent a, VendorMails.Sent b) {
        return a.requestId() != null && a.requestId().equals(b.requestId()) && a.connector().equals(b.connector());
    }

    private static Optional<String> reference(String text) {
        Matcher m = REF.matcher(text == null ? "" : text);
        return m.find() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    private Outcome automatic(InboundMail mail) {
        if (!mail.isDeliveryReport()) {
            LOG.info("Mailbox: an automatic reply (auto-submitted, list or system mail) was left alone");
            return Outcome.AUTOMATIC;
        }
        Optional<VendorMails.Sent> bounced = vendorMails.byMessageIds(mail.embeddedIds());
        if (bounced.isEmpty()) {
            LOG.info("Mailbox: a delivery report that concerns no vendor e-mail was left alone");
            return Outcome.AUTOMATIC;
        }
        VendorMails.Sent s = bounced.get();
        if (s.requestId() != null) {
            requests.vendorReply(s.requestId(), s.connector(), "action_required",
                    "the e-mail to the vendor's privacy contact bounced: the address may be dead");
        }
        dpo.tell("the e-mail to the privacy contact of connector " + s.connector() + " bounced: the vendor's address"
                + " may be dead (correct LETHE_" + s.connector().toUpperCase(Locale.ROOT).replace('-', '_')
                + "_PRIVACY_EMAIL and ask again)", s.messageId(), null, s.requestId());
        return Outcome.BOUNCE;
    }

    private Outcome vendorAnswer(InboundMail mail, VendorMails.Sent s) {
        Optional<Connector> connector = connectors.enabled(s.connector());
        String contact = connector.map(c -> c.mailTo()).map(a -> a.strip().toLowerCase(Locale.ROOT))
                .orElse(null);
        if (contact == null || !contact.equals(mail.sender())) {
            if (s.requestId() != null) {
                requests.vendorReply(s.requestId(), s.connector(), "action_required",
                        "an answer came from an address other than the vendor's privacy contact; read it in the mailbox");
            }
            return needsPerson(mail, s.requestId(), "an answer to the e-mail sent to connector " + s.connector()
                    + " came from an address other than its privacy contact; no verdict was taken from it");
        }
        if (s.requestId() == null) {
            LOG.info("Mailbox: {} answered an opt-out e-mail (nothing waits for it)", s.connector());
            return Outcome.VENDOR_VERDICT;
        }
        ReplyReader.Verdict verdict = reader.verdict(reader.ownText(mail));
        boolean applied = requests.vendorReply(s.requestId(), s.connector(), verdict.status(), verdict.detail());
        LOG.info("Vendor reply for request {} at {}: {}{}", s.requestId(), s.connector(), verdict.status(),
                applied ? "" : " (nothing was waiting for it)");
        return Outcome.VENDOR_VERDICT;
    }

    private boolean isPrivacyContact(String address) {
        return address != null && privacyContacts().contains(address);
    }

    private List<String> privacyContacts() {
        List<String> out = new ArrayList<>();
        for (Connector c : connectors.enabled()) {
            if (c.transport().equals("mail") && c.mailTo() != null) {
                out.add(c.mailTo().strip().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private boolean answersHub(InboundMail mail) {
        String suffix = "@" + vendorMails.domain().toLowerCase(Locale.ROOT) + ">";
        return mail.replyIds().stream().anyMatch(id -> id.toLowerCase(Locale.ROOT).endsWith(suffix))
                || reader.isHubSubject(mail.subject());
    }

    private Outcome personRequest(InboundMail mail) {
        String sender = mail.sender();
        Optional<RequestType> type = reader.intent(mail.subject() + "\n" + reader.ownText(mail));
        if (sender == null || type.isEmpty() || hubAddresses.contains(sender)) {
            LOG.info("A message in the hub's mailbox is neither a vendor reply nor a recognisable request; left alone");
            return Outcome.LEFT_ALONE;
        }
        Optional<String> email = IdentityKind.EMAIL.normalise(sender);
        if (email.isEmpty()) {
            return Outcome.LEFT_ALONE;
        }
        var filed = requests.file(new RequestService.Filing(type.get(), Regulation.GDPR, Map.of(IdentityKind.EMAIL,
                email.get()), type.get() == RequestType.OBJECTION ? List.of("email_marketing") : List.of(), Map.of(),
                false, "mailbox"));
        filed.ifPresent(r -> LOG.info("Filed {} request {} from the hub's mailbox", type.get().wire(), r.id()));
        return Outcome.FILED;
    }

    private Outcome needsPerson(InboundMail mail, String requestId, String reason) {
        dpo.tell(reason, mail.messageId(), null, requestId);
        return Outcome.NEEDS_PERSON;
    }

    private Outcome quarantine(String messageId, String reason) {
        dpo.tell(reason + "; it was set aside so that the mailbox keeps moving", messageId, quarantine, null);
        return Outcome.QUARANTINED;
    }
}
