package io.lethe.mail;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.lethe.register.IdentityKind;
import io.lethe.requests.Regulation;
import io.lethe.requests.RequestService;
import io.lethe.requests.RequestType;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the hub's own mailbox ({@code LETHE_IMAP_URL}, route template {@code mail-intake}):
 * <ul>
 * <li>a reply from a vendor without an API (the subject carries {@code [Lethe ref <requestId>/<connector>]}) sets
 * that vendor's part of the request from what the reply says;</li>
 * <li>any other message is read as a request from a person: "delete my data" files an erasure, "send me my data" an
 * access request, "unsubscribe" an objection to e-mail marketing, each as if through intake (so erasure and access
 * first need the person to confirm through the e-mailed link).</li>
 * </ul>
 * Nothing of a message's content is logged.
 */
public final class MailIntake {

    private static final Logger LOG = LoggerFactory.getLogger(MailIntake.class);
    private static final Pattern REF = Pattern.compile("\\[Lethe ref ([0-9a-f-]{36})/([a-z0-9]+)]");
    private static final Pattern ADDRESS = Pattern.compile("[^<\\s]+@[^>\\s]+");

    private final RequestService requests;

    public MailIntake(RequestService requests) {
        this.requests = requests;
    }

    public void handle(Exchange exchange) {
        String subject = exchange.getMessage().getHeader("Subject", "", String.class);
        String from = exchange.getMessage().getHeader("From", "", String.class);
        String body = exchange.getMessage().getBody(String.class);
        Matcher ref = REF.matcher(subject);
        if (ref.find()) {
            String[] verdict = readReply(body == null ? "" : body);
            boolean applied = requests.vendorReply(ref.group(1), ref.group(2), verdict[0], verdict[1]);
            LOG.info("Vendor reply for request {} at {}: {}{}", ref.group(1), ref.group(2), verdict[0],
                    applied ? "" : " (nothing was waiting for it)");
            return;
        }
        Matcher address = ADDRESS.matcher(from);
        RequestType type = intent(subject + "\n" + (body == null ? "" : body));
        if (!address.find() || type == null) {
            LOG.info("A message in the hub's mailbox is neither a vendor reply nor a recognisable request; left alone");
            return;
        }
        IdentityKind.EMAIL.normalise(address.group()).ifPresent(email -> {
            var filed = requests.file(new RequestService.Filing(type, Regulation.GDPR, Map.of(IdentityKind.EMAIL, email),
                    type == RequestType.OBJECTION ? List.of("email_marketing") : List.of(), Map.of(), false, "mailbox"));
            filed.ifPresent(r -> LOG.info("Filed {} request {} from the hub's mailbox", type.wire(), r.id()));
        });
    }

    /** What a person's message asks for, or null. */
    static RequestType intent(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.matches("(?s).*\\b(delete|erase|remove|forget)\\b.*")) {
            return RequestType.ERASURE;
        }
        if (t.matches("(?s).*\\b(copy of|access to|what data|export)\\b.*")) {
            return RequestType.ACCESS;
        }
        if (t.matches("(?s).*\\b(unsubscribe|stop (sending|e-?mailing)|object)\\b.*")) {
            return RequestType.OBJECTION;
        }
        return null;
    }

    /** Reads a vendor's reply, ignoring the quoted request: {status, detail}. */
    static String[] readReply(String body) {
        StringBuilder own = new StringBuilder();
        for (String line : body.split("\\R")) {
            if (line.startsWith(">") || line.matches("(?i)^on .* wrote:\\s*$") || line.startsWith("-----Original")) {
                break;
            }
            own.append(line).append('\n');
        }
        String t = own.toString().toLowerCase(Locale.ROOT);
        if (t.matches("(?s).*\\b(no data|not found|do not hold|don't hold|no record)s?\\b.*")) {
            return new String[] {"not_found", "vendor replied: holds no data"};
        }
        if (t.matches("(?s).*\\b(cannot|can't|unable|refuse|decline)\\b.*")) {
            return new String[] {"action_required", "vendor replied: cannot comply"};
        }
        if (t.matches("(?s).*\\b(deleted|erased|removed|done|completed|corrected|updated|unsubscribed|attached)\\b.*")) {
            return new String[] {"completed", "vendor replied: done"};
        }
        return new String[] {"action_required", "vendor replied; the reply needs a person to read it"};
    }
}
