package io.lethe.notify;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Message-IDs of the hub's mail (RFC 5322 3.6.4): {@code <random@domain>}, the domain taken from the sender address
 * ({@code LETHE_MAIL_FROM}), so that replies and bounces can be matched and the ID names the organisation that sent
 * it rather than the host the hub runs on.
 */
public final class MessageIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String domain;

    public MessageIds(String from) {
        this.domain = domainOf(from);
    }

    public String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "<" + HexFormat.of().formatHex(bytes) + "@" + domain + ">";
    }

    public String domain() {
        return domain;
    }

    /** The domain of an address such as {@code privacy@example.com} or {@code Lethe <privacy@example.com>}. */
    static String domainOf(String from) {
        String address = from == null ? "" : from.strip();
        int lt = address.lastIndexOf('<');
        if (lt >= 0) {
            int gt = address.indexOf('>', lt);
            address = address.substring(lt + 1, gt < 0 ? address.length() : gt);
        }
        int at = address.lastIndexOf('@');
        String d = at < 0 ? "" : address.substring(at + 1).strip().toLowerCase(Locale.ROOT);
        return d.matches("[a-z0-9.-]+") ? d : "localhost";
    }
}
