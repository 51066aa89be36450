package io.lethe.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.lethe.connectors.engine.VendorCall;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The webhook client against hostile receivers: judged by the status line within the deadline, the body never read
 * (a huge one is not taken in, an endless one does not hold the call), nothing but the signature headers sent, no
 * redirect followed, and only addresses the guard allows connected to (the resolver's answer at connect time).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookHttpTest {

    static final Duration DEADLINE = Duration.ofMillis(1200);
    final RawReceiver receiver = new RawReceiver();
    final WebhookHttp http = client(new TargetGuard(true), SystemDefaultDnsResolver.INSTANCE);

    WebhookHttpTest() throws Exception {
    }

    static WebhookHttp client(TargetGuard guard, DnsResolver dns) {
        return new WebhookHttp(guard, dns, new WebhookHttp.Limits(Duration.ofMillis(500), Duration.ofMillis(600),
                DEADLINE, 4));
    }

    @AfterAll
    void close() throws Exception {
        http.close();
        receiver.close();
    }

    static VendorCall call(String url) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("webhook-id", "42");
        headers.put("webhook-timestamp", "1700000000");
        headers.put("webhook-signature", "v1,abc=");
        headers.put("Authorization", "Bearer leaked");
        headers.put("Cookie", "session=leaked");
        return new VendorCall("webhooks", "deliver", "POST", url, headers, "{\"id\":42}");
    }

    @Test
    void an_endless_body_fed_a_byte_at_a_time_is_judged_by_its_status_at_once() {
        long start = System.nanoTime();
        assertThat(http.send(call(receiver.url("/drip"))).status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DEADLINE);
    }

    @Test
    void a_huge_body_is_not_taken_in() {
        long start = System.nanoTime();
        assertThat(http.send(call(receiver.url("/huge"))).status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(DEADLINE);
        assertThat(receiver.hugeBytesWritten.get()).as("only what the socket buffers hold").isLessThan(16L << 20);
    }

    @Test
    void headers_fed_forever_and_no_answer_end_at_the_deadline() {
        for (String path : new String[] {"/slow-headers", "/hang"}) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> http.send(call(receiver.url(path))))
                    .isInstanceOf(RuntimeException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as(path).isLessThan(DEADLINE.plusMillis(800));
        }
    }

    @Test
    void only_the_signature_headers_go_and_redirects_are_not_followed() {
        assertThat(http.send(call(receiver.url("/redirect"))).status()).isEqualTo(307);
        assertThat(http.send(call(receiver.url("/ok"))).status()).isEqualTo(204);
        assertThat(receiver.headerNames.get(receiver.headerNames.size() - 1)).containsExactlyInAnyOrder(
                "content-type", "webhook-id", "webhook-timestamp", "webhook-signature", "host", "content-length",
                "user-agent", "connection");
    }

    @Test
    void the_connection_uses_only_addresses_the_guard_allows_when_it_resolves() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        InetAddress internal = InetAddress.getByName("10.1.2.3");
        // resolves to a public address when checked, to these when connecting (DNS rebinding)
        DnsResolver rebinding = fake(internal, loopback);
        try (WebhookHttp pinned = client(new TargetGuard(true), rebinding)) {
            assertThat(pinned.send(call("http://hooks.example:" + receiver.port() + "/ok")).status())
                    .as("only the allowed address is used").isEqualTo(204);
        }
        long before = receiver.connections.get();
        try (WebhookHttp strict = client(new TargetGuard(false), fake(internal, loopback))) {
            assertThatThrownBy(() -> strict.send(call("http://hooks.example:" + receiver.port() + "/ok")))
                    .hasRootCauseInstanceOf(GuardedDnsResolver.TargetRefusedException.class);
            assertThatThrownBy(() -> strict.send(call("http://127.0.0.1:" + receiver.port() + "/ok")))
                    .as("literals too").hasRootCauseInstanceOf(GuardedDnsResolver.TargetRefusedException.class);
        }
        assertThat(receiver.connections.get()).as("no connection made").isEqualTo(before);
    }

    static DnsResolver fake(InetAddress... addresses) {
        return new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return host.equals("hooks.example") ? addresses.clone() : SystemDefaultDnsResolver.INSTANCE.resolve(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
    }
}
