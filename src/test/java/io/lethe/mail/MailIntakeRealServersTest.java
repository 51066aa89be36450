package io.lethe.mail;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The mail scenarios against real servers: Debian's Postfix (SMTP 127.0.0.1:2525) and Dovecot (IMAP 127.0.0.1:1143),
 * started by {@code .ci/mail-servers.sh}, which {@code .ci/run} calls and which sets {@code LETHE_TEST_REAL_MAIL=true}.
 * Local users hub, vendor, dpo and alice (people are {@code alice+<tag>@lethe.test}), password {@code secret}.
 */
@EnabledIfEnvironmentVariable(named = "LETHE_TEST_REAL_MAIL", matches = "true")
class MailIntakeRealServersTest extends MailScenarios {

    @Override
    String host() {
        return "127.0.0.1";
    }

    @Override
    int smtpPort() {
        return 2525;
    }

    @Override
    int imapPort() {
        return 1143;
    }

    @Override
    String hub() {
        return "hub@lethe.test";
    }

    @Override
    String vendor() {
        return "vendor@lethe.test";
    }

    @Override
    String dpo() {
        return "dpo@lethe.test";
    }

    @Override
    String personAddress(String tag) {
        return "alice+" + tag + "@lethe.test";
    }

    @Override
    String[] login(String address) {
        return new String[] {address.replaceAll("[+@].*", ""), "secret"};
    }
}
