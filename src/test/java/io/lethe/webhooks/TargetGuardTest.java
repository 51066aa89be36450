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
}
