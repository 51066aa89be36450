package io.lethe.webhooks;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.lethe.connectors.engine.VendorAnswer;
import io.lethe.connectors.engine.VendorCall;
import io.lethe.connectors.engine.auth.StandardWebhooksSigner;
import io.lethe.db.Sql;
import io.lethe.notify.MailOutbox;
import io.lethe.notify.OutgoingMail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook-deliveries route's bean: claims due deliveries and POSTs each, signed as the webhook connector signs
 * (Standard Webhooks: {@code webhook-id} = the event id, the same on every retry; {@code webhook-timestamp} of this
 * attempt; {@code webhook-signature v1}) and POSTs it through {@link WebhookHttp} (Content-Type and the three signature
 * headers only, a total deadline per call, the answer body never read). 2xx delivers; anything else, or no answer, is retried with
 * {@link Backoff} until given up. The receiver's answer body is neither stored nor logged: only its status code.
 */
public final class WebhookSender {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);

    /** Sends one call and returns the answer (the hub's HTTP transport route). */
    @FunctionalInterface
    public interface Transport {
        VendorAnswer send(VendorCall call);
    }

    /** Writes that a subject's identities left the hub in a delivery (the personal-data access log). */
    @FunctionalInterface
    public interface IdentityDisclosure {
        void record(Subscription subscription, String subjectId);
    }

    /**
     * {@code batch} deliveries a round, sent side by side ({@code batch} threads); each call ends within
     * {@code callDeadline}, so a round takes about one deadline however slow a receiver is, and the claim's
     * {@code lease} must be well above it (twice at least), or a slow receiver's deliveries would be claimed again
     * while still being sent, and go twice.
     */
    public record Policy(int batch, Duration lease, Backoff backoff, Duration callDeadline) {
        public Policy {
            if (batch < 1 || lease.compareTo(callDeadline.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("lethe.events.webhooks.lease-ms must be at least twice"
                        + " lethe.events.webhooks.deadline-ms, and batch at least 1");
            }
        }
    }

    private final Deliveries deliveries;
    private final Subscriptions subscriptions;
    private final javax.sql.DataSource dataSource;
    private final TargetGuard guard;
    private final Transport transport;
    private final Function<String, Map<String, List<String>>> identities;
    private final IdentityDisclosure disclosure;
    private final MailOutbox mail;
    private final String dpoEmail;
    private final Policy policy;
    private final Clock clock;
    private final ExecutorService senders;

    public WebhookSender(Deliveries deliveries, Subscriptions subscriptions, javax.sql.DataSource dataSource,
            TargetGuard guard, Transport transport, Function<String, Map<String, List<String>>> identities,
            IdentityDisclosure disclosure, MailOutbox mail, String dpoEmail, Policy policy, Clock clock) {
        this.deliveries = deliveries;
        this.subscriptions = subscriptions;
        this.dataSource = dataSource;
        this.guard = guard;
        this.transport = transport;
        this.identities = identities;
        this.disclosure = disclosure;
        this.mail = mail;
        this.dpoEmail = dpoEmail;
        this.policy = policy;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(policy.batch(), r -> {
            Thread t = new Thread(r, "webhook-sender-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * One round: up to a batch of due deliveries, oldest event first, sent side by side (claimed deliveries never
     * share a subscription and subject, so order per subject holds), so one slow receiver holds the others back for
     * one call deadline at most. Returns how many were attempted.
     */
    public int deliverDue() {
        List<Deliveries.Claimed> claimed = deliveries.claim(policy.batch(), policy.lease());
        List<Future<?>> sending = new ArrayList<>();
        for (Deliveries.Claimed d : claimed) {
            sending.add(senders.submit(() -> attemptLogged(d)));
        }
        for (Future<?> f : sending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break; // the rest finish on their own; unrecorded ones are claimed again when their lease ends
            } catch (ExecutionException e) {
                LOG.warn("Webhook delivery failed unexpectedly: {}", e.getCause().getClass().getSimpleName());
            }
        }
        return claimed.size();
    }

    /** Stops the sending threads (the hub's shutdown; unfinished deliveries are claimed again later). */
    public void close() {
        senders.shutdownNow();
    }

    private void attemptLogged(Deliveries.Claimed d) {
        try {
            attempt(d);
        } catch (RuntimeException e) { // never lost: the lease expires and the delivery is claimed again
            LOG.warn("Webhook delivery {} (event {}) could not be recorded: {}", d.id(), d.event().id(),
                    e.getClass().getSimpleName());
        }
    }

    private void attempt(Deliveries.Claimed d) {
        Optional<String> refused = guard.refusal(d.url());
        int status = 0;
        String error;
        if (refused.isPresent()) {
            error = "target refused: it " + refused.get();
        } else {
            VendorCall call = null;
            try {
                call = call(d);
                status = transport.send(call).status();
                error = "HTTP " + status;
            } catch (RuntimeException e) { // counted as an attempt like any other: nothing retries forever in silence
                error = (call == null ? "the delivery could not be prepared (" : "no answer (") + rootName(e) + ")";
            }
        }
        if (status >= 200 && status < 300) {
            deliveries.delivered(d, status);
            return;
        }
        Instant now = clock.instant();
        if (policy.backoff().givesUp(d.attempts(), d.event().occurredAt(), now)) {
            boolean alerted = deliveries.giveUp(d, status, error, this::alertDpo);
            LOG.warn("Webhook delivery of event {} to subscription {} given up after {} attempts ({}){}",
                    d.event().id(), d.subscriptionId(), d.attempts(), error, alerted ? "; the DPO is told" : "");
        } else {
            Instant next = now.plus(policy.backoff().delay(d.attempts(), ThreadLocalRandom.current().nextDouble()));
            deliveries.retry(d, status, error, next);
            LOG.info("Webhook delivery of event {} to subscription {} failed ({}), attempt {}; next at {}",
                    d.event().id(), d.subscriptionId(), error, d.attempts(), next);
        }
    }

    private VendorCall call(Deliveries.Claimed d) {
        Map<String, Object> body = EventJson.render(d.event());
        if (d.includeIdentities() && d.event().subjectId() != null) {
            Subscription s = subscriptions.get(d.subscriptionId()).orElseThrow();
            body.put("identities", identities.apply(d.event().subjectId()));
            disclosure.record(s, d.event().subjectId());
        }
        String secret = Sql.transaction(dataSource, "opening a webhook secret", c -> subscriptions.secret(c,
                d.subscriptionId()));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put(StandardWebhooksSigner.ID, String.valueOf(d.event().id()));
        VendorCall unsigned = new VendorCall("webhooks", "deliver", "POST", d.url(), headers, EventJson.write(body));
        return new StandardWebhooksSigner(secret, clock).sign(unsigned);
    }

    private void alertDpo(Connection c, Deliveries.Claimed d) throws SQLException {
        if (dpoEmail == null || dpoEmail.isBlank()) {
            LOG.warn("No DPO address (LETHE_DPO_EMAIL): nobody is told that webhook subscription {} gives up",
                    d.subscriptionId());
            return;
        }
        String text = "A webhook delivery was given up after " + d.attempts() + " attempts.\n\n"
                + "Subscription: " + d.subscriptionId() + "\nEvent: " + d.event().id() + " (" + d.event().type()
                + ")\n\nThe receiver can catch up with GET /api/v1/events?after=<the last event id it has>.\n"
                + "The console's Webhooks page lists the failed deliveries. You are told once per subscription until"
                + " one of its deliveries succeeds again.\n";
        mail.enqueue(c, "dpo-webhook-failed", MailOutbox.Recipient.DPO, null,
                new OutgoingMail(dpoEmail, "[Lethe] webhook deliveries are failing", text));
    }

    /** The innermost exception's class: what kind of failure, never its message (it may quote the receiver). */
    private static String rootName(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }
}
