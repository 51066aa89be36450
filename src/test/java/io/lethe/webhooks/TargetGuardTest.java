package io.lethe.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TargetGuardTest {

    final TargetGuard guard = new TargetGuard(false);
    final TargetGuard tests = new TargetGuard(true);

    @Test
    void a_public_https_target_is_allowed() {
        assertThat(guard.refusal("https://93.184.216.34/hooks/lethe")).isEmpty();
        assertThat(guard.refusal("https://[2606:2800:220:1:248:1893:25c8:1946]:8443/h")).isEmpty();
    }

    @Test
    void plain_http_and_other_schemes_are_refused() {
        assertThat(guard.refusal("http://93.184.216.34/h")).contains("must be an https:// URL");
        assertThat(guard.refusal("ftp://93.184.216.34/h")).contains("must be an https:// URL");
        assertThat(guard.refusal("https://user:pw@93.184.216.34/h")).isPresent();
        assertThat(guard.refusal("not a url")).isPresent();
    }

    @Test
    void internal_targets_are_refused() {
        for (String url : new String[] {"https://127.0.0.1/h", "https://[::1]/h", "https://10.1.2.3/h",
                "https://172.16.0.9/h", "https://192.168.1.1/h", "https://169.254.169.254/latest/meta-data",
                "https://100.64.0.1/h", "https://0.0.0.0/h", "https://[fd00::1]/h", "https://[fe80::1]/h",
                "https://224.0.0.1/h"}) {
            assertThat(guard.refusal(url)).as(url).contains("points into a private, loopback or link-local network");
        }
    }

    @Test
    void the_test_setting_admits_loopback_only_and_http_only_to_it() {
        assertThat(tests.refusal("http://127.0.0.1:8080/h")).isEmpty();
        assertThat(tests.refusal("https://10.1.2.3/h")).isPresent();
        assertThat(tests.refusal("http://93.184.216.34/h")).contains("must be an https:// URL");
    }

    @Test
    void every_internal_range_is_refused_and_ipv6_forms_are_judged_by_their_embedded_ipv4_address() throws Exception {
        for (String a : new String[] {"0.1.2.3", "10.0.0.1", "100.127.255.254", "127.0.0.2", "169.254.169.254",
                "172.31.255.255", "192.0.0.8", "192.168.0.1", "198.18.0.1", "198.19.255.254", "224.0.0.251",
                "239.255.255.250", "240.0.0.1", "255.255.255.255", "::", "::1", "fc00::1", "fdff::1", "fe80::1",
                "febf::1", "fec0::1", "ff02::1", "ff0e::1", "64:ff9b::a00:1", "64:ff9b::7f00:1", "64:ff9b:1::1",
                "64:ff9b:1:ffff::808:808", "2002:a00:1::1", "2002:c0a8:101::", "2002:a9fe:a9fe::1", "::ffff:10.0.0.1",
                "::ffff:169.254.169.254", "::ffff:127.0.0.1", "::10.0.0.1", "::192.168.1.1", "::0.0.0.2",
                "2001:0:4136:e378:8000:63bf:3fff:fdd2"}) {
            assertThat(TargetGuard.isInternal(java.net.InetAddress.getByName(a))).as(a).isTrue();
            assertThat(guard.refusal(a.contains(":") ? "https://[" + a + "]/h" : "https://" + a + "/h"))
                    .as(a).contains("points into a private, loopback or link-local network");
        }
        for (String a : new String[] {"93.184.216.34", "8.8.8.8", "100.128.0.1", "172.32.0.1", "192.0.1.1",
                "198.20.0.1", "223.255.255.254", "2606:2800:220:1:248:1893:25c8:1946", "64:ff9b::808:808",
                "2002:808:808::1", "::ffff:8.8.8.8", "::8.8.8.8", "2a00:1450:4001:80b::200e"}) {
            assertThat(TargetGuard.isInternal(java.net.InetAddress.getByName(a))).as(a).isFalse();
        }
    }

    @Test
    void the_resolver_returns_only_allowed_addresses_and_refuses_a_host_with_none() throws Exception {
        java.net.InetAddress internal = java.net.InetAddress.getByName("192.168.7.7");
        java.net.InetAddress mapped = java.net.InetAddress.getByName("::ffff:10.9.9.9");
        java.net.InetAddress open = java.net.InetAddress.getByName("93.184.216.34");
        java.net.InetAddress loopback = java.net.InetAddress.getByName("127.0.0.1");
        GuardedDnsResolver strict = new GuardedDnsResolver(guard, WebhookHttpTest.fake(internal, open, mapped, loopback));
        assertThat(strict.resolve("hooks.example")).containsExactly(open);
        assertThat(strict.resolve("hooks.example", 443)).containsExactly(new java.net.InetSocketAddress(open, 443));
        GuardedDnsResolver rebound = new GuardedDnsResolver(guard, WebhookHttpTest.fake(internal, loopback));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> rebound.resolve("hooks.example"))
                .isInstanceOf(GuardedDnsResolver.TargetRefusedException.class);
        GuardedDnsResolver loose = new GuardedDnsResolver(tests, WebhookHttpTest.fake(internal, loopback));
        assertThat(loose.resolve("hooks.example")).as("the test setting admits loopback only").containsExactly(loopback);
    }
}
