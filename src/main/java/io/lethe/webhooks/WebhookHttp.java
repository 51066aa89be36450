package io.lethe.webhooks;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lethe.connectors.engine.VendorAnswer;
import io.lethe.connectors.engine.VendorCall;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * The webhook deliveries' own HTTP client (not the vendor transport route): only the status code of the answer
 * counts, so its body is never read. A receiver can neither fill the hub's memory (a huge body) nor hold a delivery
 * thread (a body or headers fed a byte at a time): every call has a total {@code deadline} after which it is
 * aborted, besides the connect and per-read timeouts. After the status line the connection is aborted, not closed
 * (closing a response stream reads it to its end). No redirects, no automatic retries (the delivery outbox retries,
 * counted), no cookies, no compression; the request carries Content-Type and the three Standard Webhooks headers
 * only, with the client's Host, Content-Length, User-Agent and {@code Connection: close}. Names resolve through {@link GuardedDnsResolver}.
 */
public final class WebhookHttp implements WebhookSender.Transport, AutoCloseable {

    /** Connect timeout, per-read timeout, total deadline of a call; connections at most (the sender's threads). */
    public record Limits(Duration connectTimeout, Duration readTimeout, Duration deadline, int connections) {
    }

    /** The call passed its deadline and was aborted. */
    public static final class DeadlineExceededException extends RuntimeException {
        DeadlineExceededException() {
            super("no answer within the deadline");
        }
    }

    static final Set<String> HEADERS = Set.of("content-type", "webhook-id", "webhook-timestamp", "webhook-signature");

    private final CloseableHttpClient client;
    private final ScheduledThreadPoolExecutor watchdog;
    private final Duration deadline;

    public WebhookHttp(TargetGuard guard, DnsResolver dns, Limits limits) {
        this.deadline = limits.deadline();
        var connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(new GuardedDnsResolver(guard, dns))
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(limits.connectTimeout()))
                        .setSocketTimeout(Timeout.of(limits.readTimeout())).build())
                .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                        .http1Config(Http1Config.custom().setMaxLineLength(8192).setMaxHeaderCount(100).build())
                        .build())
                .setMaxConnTotal(limits.connections()).setMaxConnPerRoute(limits.connections()).build();
        this.client = HttpClients.custom().setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom().setRedirectsEnabled(false)
                        .setConnectionRequestTimeout(Timeout.of(limits.deadline()))
                        .setResponseTimeout(Timeout.of(limits.readTimeout())).build())
                .disableRedirectHandling().disableAutomaticRetries().disableCookieManagement()
                .disableContentCompression().disableAuthCaching().disableConnectionState()
                .setUserAgent("Lethe-Webhooks/1").build();
        this.watchdog = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "webhook-deadlines");
            t.setDaemon(true);
            return t;
        });
        watchdog.setRemoveOnCancelPolicy(true);
    }

    @Override
    public VendorAnswer send(VendorCall call) {
        HttpPost post = new HttpPost(URI.create(call.url()));
        for (Map.Entry<String, String> h : call.headers().entrySet()) {
            if (HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                post.setHeader(h.getKey(), h.getValue());
            }
        }
        post.setHeader("Connection", "close"); // every connection is dropped after its status line
        post.setEntity(new ByteArrayEntity(call.body().getBytes(StandardCharsets.UTF_8), null));
        AtomicBoolean aborted = new AtomicBoolean();
        ScheduledFuture<?> abort = watchdog.schedule(() -> {
            aborted.set(true);
            post.cancel();
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        try {
            ClassicHttpResponse response = client.executeOpen(null, post, null);
            int status = response.getCode();
            post.cancel(); // drops the connection unread: closing the response would read the body to its end
            try {
                response.close();
            } catch (IOException | RuntimeException ignored) {
                // the connection is gone already; nothing of the answer is wanted
            }
            return new VendorAnswer(status, Map.of(), "");
        } catch (IOException | RuntimeException e) {
            if (aborted.get()) {
                throw new DeadlineExceededException();
            }
            throw e instanceof RuntimeException r ? r : new java.io.UncheckedIOException((IOException) e);
        } finally {
            abort.cancel(false);
        }
    }

    @Override
    public void close() throws IOException {
        watchdog.shutdownNow();
        client.close();
    }
}
