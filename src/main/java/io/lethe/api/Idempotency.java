package io.lethe.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.SynchronizationRouteAware;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Idempotency-Key} on every POST under /api/v1: runs right after the guard. The first request with a key runs
 * and its response is kept (24 h by default); a repeat with the same method, path, body and {@code Sec-GPC} gets that response
 * again, with {@code Idempotent-Replayed: true}, and does nothing. Keys are scoped per API key name. A key reused for
 * another request is 422, a repeat while the first still runs 409. A 5xx is not kept, so a retry runs again.
 */
public final class Idempotency implements Processor {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED = "Idempotent-Replayed";
    /**
     * Exchange property: the body to keep for replays instead of the answer's own, for an answer holding a secret
     * that is shown once (a replay then says the secret is not repeated).
     */
    public static final String REPLAY_BODY = "lethe.idempotency.replay-body";
    private static final Logger LOG = LoggerFactory.getLogger(Idempotency.class);
    /** 1-255 visible ASCII characters; spaces only inside. */
    private static final Pattern VALUE = Pattern.compile("^[\\x21-\\x7E](?:[\\x20-\\x7E]{0,253}[\\x21-\\x7E])?$");

    private final IdempotencyStore store;

    public Idempotency(IdempotencyStore store) {
        this.store = store;
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        AccessPolicy.Operation operation = exchange.getProperty(ApiGuard.OPERATION, AccessPolicy.Operation.class);
        Principal principal = exchange.getProperty(ApiGuard.PRINCIPAL, Principal.class);
        Object header = in.removeHeader(HEADER);
        if (header == null || operation == null || principal == null || !operation.method().equals("POST")) {
            return;
        }
        String key = valid(header);
        IdempotencyStore.Claim claim = store.claim(principal.keyName(), key, fingerprint(in));
        if (claim instanceof IdempotencyStore.Acquired acquired) {
            exchange.getExchangeExtension().addOnCompletion(new Completion(principal.keyName(), key, acquired.token(),
                    exchange.getUnitOfWork().getRoute()));
        } else if (claim instanceof IdempotencyStore.Replay replay) {
            Responses.clearInboundHeaders(in);
            in.setHeader(Exchange.HTTP_RESPONSE_CODE, replay.status());
            in.setHeader(Exchange.CONTENT_TYPE, replay.contentType());
            in.setHeader(REPLAYED, "true");
            in.setBody(replay.body());
            exchange.setRouteStop(true);
        } else if (claim instanceof IdempotencyStore.Mismatch) {
            throw new ApiProblem(422, "Idempotency key reused", "This Idempotency-Key was used for a different"
                    + " request (method, path or body); use a new key for a new request.");
        } else {
            throw new ApiProblem(409, "Request in progress", "A request with this Idempotency-Key is still being"
                    + " processed; retry later for its result.");
        }
    }

    private static String valid(Object header) {
        Object value = header instanceof List<?> list && list.size() == 1 ? list.get(0) : header;
        if (value instanceof String text && VALUE.matcher(text).matches()) {
            return text;
        }
        throw ApiProblem.invalid(HEADER, "must be one value of 1-255 visible ASCII characters");
    }

    /** What makes two requests the same: method, path with query, the Sec-GPC signal and the body's bytes. */
    private static String fingerprint(Message in) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (String part : new String[] {in.getHeader(Exchange.HTTP_METHOD, "", String.class),
            in.getHeader(Exchange.HTTP_URI, "", String.class), in.getHeader("Sec-GPC", "", String.class).strip()}) {
            sha256.update(part.getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
        }
        byte[] body = in.getBody(byte[].class);
        if (body != null) {
            sha256.update(body);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    /**
     * Keeps the response once the flow that claimed the key has finished (before it is written to the client, so a
     * repeat that follows the answer finds it), or gives the key back when the flow failed.
     */
    private final class Completion extends SynchronizationAdapter implements SynchronizationRouteAware {
        private final String keyName;
        private final String key;
        private final String token;
        private final Route route;
        private boolean finished;

        Completion(String keyName, String key, String token, Route route) {
            this.keyName = keyName;
            this.key = key;
            this.token = token;
            this.route = route;
        }

        @Override
        public SynchronizationRouteAware getRouteSynchronization() {
            return this; // Camel asks for it; without it onAfterRoute is never called
        }

        @Override
        public void onBeforeRoute(Route route, Exchange exchange) {
        }

        @Override
        public void onAfterRoute(Route done, Exchange exchange) {
            if (route == null || done == route) {
                finish(exchange);
            }
        }

        @Override
        public void onDone(Exchange exchange) {
            finish(exchange); // when the flow ended without reaching onAfterRoute
        }

        @Override
        public boolean allowHandover() {
            return false;
        }

        private synchronized void finish(Exchange exchange) {
            if (finished) {
                return;
            }
            finished = true;
            Message out = exchange.getMessage();
            int status = out.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
            try {
                if (exchange.getException() != null || status >= 500) {
                    store.release(keyName, key, token);
                } else {
                    String replay = exchange.getProperty(REPLAY_BODY, String.class);
                    store.complete(keyName, key, token, status, out.getHeader(Exchange.CONTENT_TYPE, "application/json",
                            String.class), replay != null ? replay : out.getBody(String.class));
                }
            } catch (RuntimeException e) {
                // The request itself is done; a repeat then finds the key in flight until its lease ends, and runs.
                LOG.warn("Idempotency key of API key {} could not be finished: {}", keyName, e.getMessage());
            }
        }
    }
}
