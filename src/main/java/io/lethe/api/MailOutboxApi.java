package io.lethe.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.lethe.notify.MailOutbox;
import org.apache.camel.Exchange;

/**
 * {@code GET /api/v1/mail/outbox}: the mail queue as a person needs to see it. Counts per status, how many are late
 * (not sent after the alert threshold), and the mails themselves (unsent by default), with kind, whose, request,
 * attempts and last SMTP error; never an address or a line of text.
 */
public final class MailOutboxApi {

    private static final Set<String> PARAMS = Set.of("requestId", "status", "limit");

    private final MailOutbox outbox;
    private final int lateAfter;
    private final Responses responses;

    public MailOutboxApi(MailOutbox outbox, int lateAfter, Responses responses) {
        this.outbox = outbox;
        this.lateAfter = lateAfter;
        this.responses = responses;
    }

    public void list(Exchange exchange) {
        QueryParams q = new QueryParams(exchange, PARAMS);
        String requestId = q.text("requestId", 36);
        boolean all = q.oneOf("status", List.of("unsent", "all"), "unsent").equals("all");
        int limit = (int) q.number("limit", 100, 1, 1000);
        q.throwIfInvalid();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enabled", outbox.enabled());
        body.putAll(outbox.summary(lateAfter));
        body.put("mails", outbox.list(requestId, all, limit).stream().map(MailOutboxApi::render).toList());
        responses.json(exchange, 200, body);
    }

    private static Map<String, Object> render(MailOutbox.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("kind", e.kind());
        m.put("recipient", e.recipient());
        m.put("requestId", e.requestId());
        // A vendor mail's Message-ID is what the vendor's reply is matched on: a credential, so never shown.
        m.put("messageId", e.recipient().equals(MailOutbox.Recipient.VENDOR.wire()) ? null : e.messageId());
        m.put("status", e.status());
        m.put("attempts", e.attempts());
        m.put("lastError", e.lastError());
        m.put("createdAt", String.valueOf(e.createdAt()));
        m.put("nextAttemptAt", e.nextAttemptAt() == null ? null : e.nextAttemptAt().toString());
        m.put("sentAt", e.sentAt() == null ? null : e.sentAt().toString());
        m.put("alertedAt", e.alertedAt() == null ? null : e.alertedAt().toString());
        return m;
    }
}
