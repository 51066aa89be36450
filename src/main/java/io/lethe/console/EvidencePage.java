package io.lethe.console;

import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.lethe.api.RateLimits;
import io.lethe.api.TooManyRequests;
import io.lethe.evidence.ConsentReceipts;
import io.lethe.evidence.EvidenceBundles;
import org.apache.camel.Exchange;

/**
 * The console's evidence downloads (compliance and admin, as in the API): {@code GET /console/subjects/{id}/evidence},
 * {@code GET /console/requests/{id}/evidence} and {@code GET /console/consents/{eventId}/receipt}, each a signed JWS
 * file that {@code lethe evidence verify} checks. Plain GET links: a download changes nothing but the access log.
 */
public final class EvidencePage {

    private static final Pattern ID = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    private final EvidenceBundles bundles;
    private final ConsentReceipts receipts;
    private final RateLimits limits;

    public EvidencePage(EvidenceBundles bundles, ConsentReceipts receipts, RateLimits limits) {
        this.bundles = bundles;
        this.receipts = receipts;
        this.limits = limits;
    }

    public void subject(Exchange exchange) {
        String id = id(exchange, "subjectId", "No subject has that subjectId.");
        spend(exchange, "getSubjectEvidence");
        download(exchange, () -> bundles.ofSubject(id, viewer(exchange)), "No subject has that subjectId.");
    }

    public void request(Exchange exchange) {
        String id = id(exchange, "requestId", "No request has that id.");
        spend(exchange, "getRequestEvidence");
        download(exchange, () -> bundles.ofRequest(id, viewer(exchange)), "No request has that id.");
    }

    public void receipt(Exchange exchange) {
        String id = id(exchange, "eventId", "No consent event has that id.");
        download(exchange, () -> receipts.of(id, viewer(exchange)), "No consent event has that id.");
    }

    /** The API's evidence budget (lethe.api.rate-limit.evidence-per-minute), per key and per address alike. */
    private void spend(Exchange exchange, String operationId) {
        try {
            limits.beforeOperation(operationId, ConsoleGuard.session(exchange).principal(),
                    limits.client(exchange.getMessage()));
        } catch (TooManyRequests tooMany) {
            throw new ConsoleRefusal(429, "Too many evidence bundles asked for: try again in "
                    + tooMany.retryAfterSeconds() + " seconds.");
        }
    }

    private static void download(Exchange exchange, Supplier<Optional<EvidenceBundles.Signed>> make, String unknown) {
        EvidenceBundles.Signed signed;
        try {
            signed = make.get().orElseThrow(() -> ConsoleRefusal.notFound(unknown));
        } catch (EvidenceBundles.ChainBroken broken) {
            throw new ConsoleRefusal(409, "The sync log does not verify, so no evidence is issued over it: see the"
                    + " sync log page.");
        }
        ConsoleView.download(exchange.getMessage(), "application/jose", signed.fileName(), signed.jws() + "\n");
    }

    private static EvidenceBundles.Viewer viewer(Exchange exchange) {
        ConsoleSession session = ConsoleGuard.session(exchange);
        return new EvidenceBundles.Viewer(session.principal().keyName(), session.role().wire(), "in the console");
    }

    private static String id(Exchange exchange, String header, String unknown) {
        String id = exchange.getMessage().getHeader(header, String.class);
        if (id == null || !ID.matcher(id).matches()) {
            throw ConsoleRefusal.notFound(unknown);
        }
        return id;
    }
}
