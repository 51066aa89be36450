package io.lethe.api;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

import io.lethe.evidence.ConsentReceipts;
import io.lethe.evidence.EvidenceBundles;
import io.lethe.evidence.SigningKeys;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Proof for a regulator: {@code GET /subjects/{id}/evidence} and {@code GET /requests/{id}/evidence} (signed
 * evidence bundles), {@code GET /consents/{eventId}/receipt} (a signed consent receipt) and
 * {@code GET /signing-keys} (the key that checks them, as a JWK Set). Bundles and receipts are
 * {@code application/jose} attachments: personal data, never cached, each download on the access log.
 */
public final class EvidenceApi {

    private static final Pattern ID = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    private final EvidenceBundles bundles;
    private final ConsentReceipts receipts;
    private final SigningKeys keys;
    private final Responses responses;

    public EvidenceApi(EvidenceBundles bundles, ConsentReceipts receipts, SigningKeys keys, Responses responses) {
        this.bundles = bundles;
        this.receipts = receipts;
        this.keys = keys;
        this.responses = responses;
    }

    public void subject(Exchange exchange) {
        String id = id(exchange, "subjectId", "No subject has that subjectId.");
        send(exchange, signed(() -> bundles.ofSubject(id, viewer(exchange)), "No subject has that subjectId."));
    }

    public void request(Exchange exchange) {
        String id = id(exchange, "requestId", "No request has that id.");
        send(exchange, signed(() -> bundles.ofRequest(id, viewer(exchange)), "No request has that id."));
    }

    public void receipt(Exchange exchange) {
        String id = id(exchange, "eventId", "No consent event has that id.");
        send(exchange, signed(() -> receipts.of(id, viewer(exchange)), "No consent event has that id."));
    }

    public void signingKeys(Exchange exchange) {
        responses.json(exchange, 200, keys.jwks());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/jwk-set+json");
    }

    private static EvidenceBundles.Signed signed(java.util.function.Supplier<Optional<EvidenceBundles.Signed>> make,
            String unknown) {
        try {
            return make.get().orElseThrow(() -> ApiProblem.notFound(unknown));
        } catch (EvidenceBundles.ChainBroken broken) {
            throw new ApiProblem(409, "Conflict", "The sync log does not verify, so no checkpoint and no evidence is"
                    + " issued over it; see GET /api/v1/audit/verify.");
        }
    }

    private static void send(Exchange exchange, EvidenceBundles.Signed signed) {
        Message message = exchange.getMessage();
        Responses.clearInboundHeaders(message);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, "application/jose");
        message.setHeader("Content-Disposition", "attachment; filename=\"" + signed.fileName() + "\"");
        message.setBody((signed.jws() + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static EvidenceBundles.Viewer viewer(Exchange exchange) {
        Principal principal = exchange.getProperty(ApiGuard.PRINCIPAL, Principal.class);
        return new EvidenceBundles.Viewer(principal.keyName(), principal.role().wire(), "through the API");
    }

    private static String id(Exchange exchange, String header, String unknown) {
        String id = exchange.getMessage().getHeader(header, String.class);
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiProblem.notFound(unknown);
        }
        return id;
    }
}
