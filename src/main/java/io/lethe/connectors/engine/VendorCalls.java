package io.lethe.connectors.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.lethe.connectors.Connector;
import io.lethe.connectors.ConnectorDescriptor.Operation;
import io.lethe.connectors.Connectors;
import io.lethe.connectors.Target;
import io.lethe.connectors.VendorException;
import io.lethe.connectors.engine.auth.CallSigner;
import io.lethe.connectors.engine.auth.Signers;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;

/**
 * The steps of the vendor-call routes (routes/connectors.camel.yaml): send one signed call through the connector's
 * transport and judge the answer by the file's rules; and the per-call redelivery hooks (retry in place only for
 * short waits, {@code Retry-After} exact, each failed attempt reported). One exchange is one HTTP call.
 */
public final class VendorCalls {

    static final String CALL = "lethe.call";
    static final String CONNECTOR = "lethe.connector";
    static final String OPERATION = "lethe.operation";
    static final String TARGETS = "lethe.targets";
    static final String VERDICT = "lethe.verdict";
    /** Request line + headers a vendor's front door accepts at most (Salesforce documents 16,384 bytes). */
    static final int MAX_HEADER_BYTES = 16_384;
    /** The longest request URI sent (CloudFront and most front doors refuse more). */
    static final int MAX_URI = 8_192;

    /** Told of every failed attempt, so the sync log shows each one. */
    public interface AttemptListener {
        void failed(String connectorId, String operation, List<Target> targets, VendorException failure, int attempt);
    }

    /** How long and how often a call is retried in place before it goes back to the outbox. */
    public record RetryPolicy(int inPlaceRetries, Duration maxInPlaceWait) {
    }

    private final CamelContext context;
    private final ProducerTemplate template;
    private final Connectors connectors;
    private final Signers signers;
    private final AnswerRules rules;
    private final RetryPolicy policy;
    private final Map<String, CallSigner> signerByConnector = new ConcurrentHashMap<>();
    private volatile AttemptListener attempts = (c, o, t, f, a) -> { };

    public VendorCalls(CamelContext context, Connectors connectors, Signers signers, AnswerRules rules,
            RetryPolicy policy) {
        this.context = context;
        this.template = context.createProducerTemplate();
        this.connectors = connectors;
        this.signers = signers;
        this.rules = rules;
        this.policy = policy;
    }

    public void setAttemptListener(AttemptListener listener) {
        this.attempts = listener;
    }

    /** Sends a call through its (connector, operation) route; returns the answer, or throws what the rules say. */
    public Result call(Connector connector, Operation op, VendorCall call, List<Target> targets) {
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(CALL, call);
        exchange.setProperty(CONNECTOR, connector.id());
        exchange.setProperty(OPERATION, op.name());
        exchange.setProperty(TARGETS, targets);
        Exchange done = template.send("direct:lethe-call-" + connector.id() + "-" + op.name(), exchange);
        if (done.getException() instanceof VendorException v) {
            throw v;
        }
        if (done.getException() != null) {
            throw new VendorException.Transient("vendor call failed: " + done.getException().getClass().getSimpleName(),
                    null, null, done.getException());
        }
        return new Result(done.getMessage().getBody(VendorAnswer.class),
                done.getProperty(VERDICT, AnswerRules.Verdict.class));
    }

    /** An answer the rules let through: success or "not held". */
    public record Result(VendorAnswer answer, AnswerRules.Verdict verdict) {
        public boolean notFound() {
            return verdict == AnswerRules.Verdict.NOT_FOUND;
        }
    }

    /**
     * Route step (inside the rate limit): signs the call, sends it through the transport on an exchange of its own
     * (so nothing of the hub's travels with it), and judges the answer.
     */
    public void send(Exchange exchange) {
        VendorCall call = exchange.getProperty(CALL, VendorCall.class);
        Connector connector = connectors.enabled(exchange.getProperty(CONNECTOR, String.class)).orElseThrow();
        Operation op = connector.descriptor().operation(exchange.getProperty(OPERATION, String.class));
        VendorCall signed = signer(connector).sign(call);
        if (CallBuilder.headerBytes(signed) > MAX_HEADER_BYTES) {
            throw new VendorException.Permanent(connector.id() + " " + op.name() + ": request line and headers of "
                    + CallBuilder.headerBytes(signed) + " bytes exceed " + MAX_HEADER_BYTES + "; never sent", null);
        }
        if (CallBuilder.uriLength(signed) > MAX_URI) {
            throw new VendorException.Permanent(connector.id() + " " + op.name() + ": a URI of "
                    + CallBuilder.uriLength(signed) + " characters exceeds " + MAX_URI + "; never sent", null);
        }
        Exchange wire = new DefaultExchange(context);
        wire.getMessage().setBody(signed);
        Exchange answered = template.send("direct:lethe-transport-" + connector.transport(), wire);
        Exception failure = answered.getException();
        if (failure != null) {
            if (failure instanceof VendorException v) {
                throw v;
            }
            boolean io = failure instanceof IOException || failure.getCause() instanceof IOException;
            throw new VendorException.Transient(connector.id() + " " + op.name() + (io ? ": vendor unreachable ("
                    : ": call failed (") + failure.getClass().getSimpleName() + ")", null, null, failure);
        }
        VendorAnswer answer = answered.getMessage().getBody(VendorAnswer.class);
        AnswerRules.Verdict verdict = rules.judge(connector.title() + " " + op.name(),
                connector.descriptor().client().errors(), op.response().notFound(), answer);
        exchange.getMessage().setBody(answer);
        exchange.setProperty(VERDICT, verdict);
    }

    /** retryWhile: in place only for short waits and a few times; the rest goes back to the outbox. */
    public boolean retryInPlace(Exchange exchange) {
        Throwable failure = failure(exchange);
        if (!(failure instanceof VendorException.Transient t)) {
            return false;
        }
        int redeliveries = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        boolean shortWait = t.retryAfter() == null || t.retryAfter().compareTo(policy.maxInPlaceWait()) <= 0;
        return shortWait && redeliveries < policy.inPlaceRetries();
    }

    /** onExceptionOccurred: reports the attempt and makes the next one wait exactly what the vendor asked. */
    @SuppressWarnings("unchecked")
    public void attemptFailed(Exchange exchange) {
        Throwable failure = failure(exchange);
        if (failure instanceof VendorException v) {
            // Camel counts the redelivery about to happen; the attempt that failed is that number (the first: 1)
            int attempt = Math.max(1, exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class));
            attempts.failed(exchange.getProperty(CONNECTOR, String.class), exchange.getProperty(OPERATION, String.class),
                    exchange.getProperty(TARGETS, List.class), v, attempt);
        }
        Duration retryAfter = failure instanceof VendorException.Transient t ? t.retryAfter() : null;
        if (retryAfter != null) {
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, retryAfter.toMillis());
        } else {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }

    private CallSigner signer(Connector connector) {
        return signerByConnector.computeIfAbsent(connector.id(), id -> {
            Map<String, String> auth = new java.util.LinkedHashMap<>();
            connector.descriptor().client().auth().forEach((k, v) -> auth.put(k, connector.resolve(v)));
            return signers.create(auth);
        });
    }

    private static Throwable failure(Exchange exchange) {
        Throwable failure = exchange.getException();
        return failure != null ? failure : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }
}
