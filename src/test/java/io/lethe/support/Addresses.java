package io.lethe.support;

import java.util.ArrayList;
import java.util.List;

/**
 * E-mail addresses as users have them: 25 to 64 characters, and every 97th the longest valid one (254), all distinct.
 * Short test addresses once hid a Salesforce failure that stopped every large batch.
 */
public final class Addresses {

    private static final String[] FIRST = {"annemarie", "bartholomew", "christophe", "dominika", "evangeline",
        "friedrich", "guadalupe", "hildegard", "ignatius", "josephine"};
    private static final String[] DOMAIN = {"example.com", "mail.example.org", "customers.example-company.co.uk",
        "subsidiary.example-holding-group.de", "ex.io"};

    private Addresses() {
    }

    public static List<String> realistic(int count, String tag) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(i % 97 == 96 ? longest(tag, i) : ordinary(tag, i));
        }
        return out;
    }

    /** 25 to 64 characters. */
    static String ordinary(String tag, int i) {
        String base = FIRST[i % FIRST.length] + "." + tag + i + "@" + DOMAIN[i % DOMAIN.length];
        int target = 25 + (i * 7) % 40;
        StringBuilder local = new StringBuilder(base.substring(0, base.indexOf('@')));
        while (local.length() + base.length() - base.indexOf('@') < target) {
            local.append('x');
        }
        return local + base.substring(base.indexOf('@'));
    }

    /** Exactly 254 characters: a 64-character local part and a 189-character domain of 63-character labels. */
    static String longest(String tag, int i) {
        String local = (tag + i + "-" + "l".repeat(64)).substring(0, 64);
        String label = "d".repeat(61);
        String domain = label + "a." + label + "b." + label.substring(0, 60) + ".com"; // 192 characters
        domain = domain.substring(domain.length() - 189); // drop the first three: still labels of at most 63
        return local + "@" + domain;
    }
}
