package io.lethe.mail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the mailbox consumer (its poll strategy and exception handler) and reports it as the {@code mailbox}
 * readiness check: DOWN after {@value #FAILURES_DOWN} polls or messages in a row that failed, or when no poll has
 * finished cleanly for ten poll intervals (at least five minutes). camel-mail handles most errors inside a poll
 * itself and would carry on looking healthy; this sees them.
 */
public final class MailboxWatch extends AbstractHealthCheck implements PollingConsumerPollStrategy, ExceptionHandler {

    static final int FAILURES_DOWN = 3;
    private static final Logger LOG = LoggerFactory.getLogger(MailboxWatch.class);

    private final Clock clock;
    private final Duration staleAfter;
    private final AtomicInteger failedPolls = new AtomicInteger();
    private final AtomicInteger failedMessages = new AtomicInteger();
    private final AtomicBoolean errorInPoll = new AtomicBoolean();
    private final AtomicReference<Instant> lastGoodPoll;
    private final AtomicReference<String> lastError = new AtomicReference<>();

    public MailboxWatch(Clock clock, Duration pollDelay) {
        super("lethe", "mailbox");
        this.clock = clock;
        Duration ten = pollDelay.multipliedBy(10);
        this.staleAfter = ten.compareTo(Duration.ofMinutes(5)) > 0 ? ten : Duration.ofMinutes(5);
        this.lastGoodPoll = new AtomicReference<>(clock.instant());
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Duration since = Duration.between(lastGoodPoll.get(), clock.instant());
        builder.detail("failed.polls", failedPolls.get()).detail("failed.messages", failedMessages.get());
        if (failedPolls.get() >= FAILURES_DOWN) {
            builder.down().message("the mailbox cannot be read: " + lastError.get());
        } else if (failedMessages.get() >= FAILURES_DOWN) {
            builder.down().message("messages of the mailbox fail to be handled: " + lastError.get());
        } else if (since.compareTo(staleAfter) > 0) {
            builder.down().message("no poll of the mailbox finished for " + since.toSeconds() + " s");
        } else {
            builder.up();
        }
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        errorInPoll.set(false);
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        if (errorInPoll.get()) {
            failedPolls.incrementAndGet();
        } else {
            failedPolls.set(0);
            lastGoodPoll.set(clock.instant());
        }
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        failed(cause);
        failedPolls.incrementAndGet();
        return false;
    }

    /** A message was handled (or set aside). */
    public void messageDone() {
        failedMessages.set(0);
    }

    /** Handling a message failed; it stays unread and is tried again at the next poll. */
    public void messageFailed(Throwable cause) {
        failed(cause);
        failedMessages.incrementAndGet();
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        errorInPoll.set(true);
        failed(exception);
    }

    private void failed(Throwable cause) {
        // The class only: a mail exception's text can quote addresses of the message
        String what = cause == null ? "unknown error" : cause.getClass().getSimpleName();
        lastError.set(what);
        LOG.warn("Mailbox consumer error: {}", what);
    }
}
