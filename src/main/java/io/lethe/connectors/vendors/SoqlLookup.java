package io.lethe.connectors.vendors;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * SOQL look-ups by e-mail, cut into queries whose URL stays short. A query travels in the GET URL
 * ({@code /query/?q=...}); camel-salesforce's Jetty client refuses a request whose headers pass about 8 KiB (nothing
 * reaches the network) and Salesforce recommends URIs under 2,000 characters, while a batch of 200 ordinary
 * addresses needs well over 10,000. So the IN list is split by the length of the encoded query, never by a count.
 */
final class SoqlLookup {

    /**
     * Longest encoded {@code q} value per call. The path and host add under 100 characters, so every URI stays
     * below Salesforce's recommended 2,000, whatever the addresses (a 254-character address encodes to at most 762).
     */
    static final int MAX_ENCODED_QUERY = 1800;

    private SoqlLookup() {
    }

    /**
     * {@code prefix + "('a','b',…)" + suffix} for every address, in as few queries as fit the budget. {@code prefix}
     * ends with {@code IN } and {@code suffix} may add further conditions.
     */
    static List<String> queries(String prefix, Collection<String> emails, String suffix) {
        List<String> queries = new ArrayList<>();
        int fixed = encodedLength(prefix) + encodedLength("()") + encodedLength(suffix);
        StringBuilder in = new StringBuilder();
        int length = fixed;
        for (String email : emails) {
            String literal = "'" + escape(email) + "'";
            int cost = encodedLength(literal) + (in.length() == 0 ? 0 : encodedLength(","));
            if (in.length() > 0 && length + cost > MAX_ENCODED_QUERY) {
                queries.add(prefix + "(" + in + ")" + suffix);
                in.setLength(0);
                length = fixed;
                cost = encodedLength(literal);
            }
            in.append(in.length() == 0 ? "" : ",").append(literal);
            length += cost;
        }
        if (in.length() > 0) {
            queries.add(prefix + "(" + in + ")" + suffix);
        }
        return queries;
    }

    /** SOQL string literal escaping: a quote in an address must not end the literal. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("'", "\\'");
    }

    /** Length once percent-encoded, counting a space as {@code %20} (the longer of the two forms clients use). */
    static int encodedLength(String s) {
        String encoded = URLEncoder.encode(s, StandardCharsets.UTF_8);
        int plus = 0;
        for (int i = 0; i < encoded.length(); i++) {
            if (encoded.charAt(i) == '+') {
                plus++;
            }
        }
        return encoded.length() + 2 * plus;
    }
}
