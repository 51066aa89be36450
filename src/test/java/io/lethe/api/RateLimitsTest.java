package io.lethe.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.net.SocketAddress;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Token buckets, client addresses behind proxies, and one log line per burst. */
class RateLimitsTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
            warnings.add(event.getMessage().getFormattedMessage());
        }
    };
    private final org.apache.logging.log4j.core.Logger logger =
            (org.apache.logging.log4j.core.Logger) LogManager.getLogger(RateLimits.class);

    @BeforeEach
    void captureLogs() {
        capture.start();
        logger.addAppender(capture);
    }

    @AfterEach
    void stopCapturing() {
        logger.removeAppender(capture);
    }

    private RateLimits limits(int failedAuth, int lookups) {
        return new RateLimits(failedAuth, Map.of("lookupSubject", lookups), 1000, TrustedProxies.parse("10.0.0.0/8"),
                nanos::get);
    }

    private static Message request(String peer, String forwardedFor) {
        Message m = new DefaultMessage(new DefaultCamelContext());
        m.setHeader(ClientAddress.REMOTE_ADDRESS, SocketAddress.inetSocketAddress(40000, peer));
        if (forwardedFor != null) {
            m.setHeader("X-Forwarded-For", forwardedFor);
        }
        return m;
    }

    @Test
    void an_address_that_spent_its_failed_keys_gets_429_with_retry_after_until_a_token_is_back() {
        RateLimits limits = limits(3, 0);
        ClientAddress attacker = limits.client(request("203.0.113.77", null));
        for (int i = 0; i < 3; i++) {
            limits.beforeAuthentication(attacker);
            limits.authenticationFailed(attacker);
        }
        assertThatThrownBy(() -> limits.beforeAuthentication(attacker)).isInstanceOfSatisfying(TooManyRequests.class,
                e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryAfterSeconds()).isEqualTo(20); // 3 a minute: one token every 20 s
                });
        limits.beforeAuthentication(limits.client(request("203.0.113.78", null))); // a neighbour is not blocked
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(20));
        limits.beforeAuthentication(attacker);
    }

    @Test
    void failures_are_logged_once_per_burst_then_counted_never_with_the_key_or_the_full_address() {
        RateLimits limits = limits(100, 0);
        ClientAddress client = limits.client(request("198.51.100.23", null));
        for (int i = 0; i < 7; i++) {
            limits.authenticationFailed(client);
        }
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("198.51.100.0/24").doesNotContain("198.51.100.23");
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(61));
        limits.cleanUp();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> warnings.size() == 2);
        assertThat(warnings.get(1)).contains("198.51.100.0/24").contains("7 times").doesNotContain("198.51.100.23");
    }

    @Test
    void look_ups_are_limited_per_key_name_and_per_address() {
        RateLimits limits = limits(0, 2);
        Principal marketer = new Principal("crm-sync", Role.MARKETER);
        Principal other = new Principal("web-shop", Role.MARKETER);
        ClientAddress a = limits.client(request("192.0.2.1", null));
        ClientAddress b = limits.client(request("192.0.2.2", null));
        ClientAddress c = limits.client(request("192.0.2.3", null));
        limits.beforeOperation("lookupSubject", marketer, a);
        limits.beforeOperation("lookupSubject", marketer, b);
        assertThatThrownBy(() -> limits.beforeOperation("lookupSubject", marketer, c))
                .isInstanceOf(TooManyRequests.class).hasMessageContaining("per API key");
        limits.beforeOperation("lookupSubject", other, b);
        assertThatThrownBy(() -> limits.beforeOperation("lookupSubject", other, b))
                .isInstanceOf(TooManyRequests.class).hasMessageContaining("per address");
        limits.beforeOperation("lookupSubject", other, c); // the refused call did not count against the key
        limits.beforeOperation("recordConsent", marketer, c); // not a limited operation
        assertThat(String.join("\n", warnings)).doesNotContain("192.0.2.2").contains("192.0.2.0/24");
    }

    @Test
    void x_forwarded_for_counts_only_when_the_peer_is_a_trusted_proxy() {
        RateLimits limits = limits(0, 0);
        assertThat(limits.client(request("203.0.113.5", "192.0.2.99")).bucketKey()).isEqualTo("203.0.113.5");
        assertThat(limits.client(request("10.1.2.3", "192.0.2.99")).bucketKey()).isEqualTo("192.0.2.99");
        // The client may write anything left of what the proxy appended: the right-most untrusted hop counts.
        assertThat(limits.client(request("10.1.2.3", "1.2.3.4, 192.0.2.99, 10.9.9.9")).bucketKey())
                .isEqualTo("192.0.2.99");
        assertThat(limits.client(request("10.1.2.3", "not-an-ip")).bucketKey()).isEqualTo("10.1.2.3");
        assertThat(limits.client(request("10.1.2.3", null)).bucketKey()).isEqualTo("10.1.2.3");
    }

    @Test
    void ipv6_clients_are_limited_per_64_and_logged_per_48() {
        ClientAddress v6 = ClientAddress.parse("2001:db8:1:2:3:4:5:6");
        assertThat(v6.bucketKey()).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(v6.network()).isEqualTo("2001:db8:1:0:0:0:0:0/48");
        assertThat(ClientAddress.parse("::ffff:192.0.2.7").bucketKey()).isEqualTo("192.0.2.7");
        assertThat(ClientAddress.parse("example.com")).isNull();
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrustedProxies.parse("proxy.internal")).isInstanceOf(IllegalArgumentException.class);
    }
}
