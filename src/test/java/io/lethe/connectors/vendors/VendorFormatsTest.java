package io.lethe.connectors.vendors;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Values sent in the forms the vendors document. */
class VendorFormatsTest {

    @Test
    void mailchimp_since_last_changed_has_whole_seconds_and_an_offset() {
        assertThat(MailchimpAdapter.sinceLastChanged(Instant.parse("2015-10-21T15:41:36.123456Z")))
                .isEqualTo("2015-10-21T15%3A41%3A36%2B00%3A00"); // 2015-10-21T15:41:36+00:00, query-encoded
    }

    @Test
    void soql_lookups_stay_short_whatever_the_addresses() {
        List<String> emails = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            emails.add("someone.with.a.long.name." + i + "@subsidiary.example-holding-group.de");
        }
        emails.add("o'brien@example.com");
        List<String> queries = SoqlLookup.queries("SELECT Id FROM Contact WHERE Email IN ", emails, "");
        assertThat(queries.size()).isGreaterThan(1);
        for (String q : queries) {
            assertThat(SoqlLookup.encodedLength(q)).isLessThanOrEqualTo(SoqlLookup.MAX_ENCODED_QUERY);
            assertThat(q).startsWith("SELECT Id FROM Contact WHERE Email IN ('").endsWith("')");
        }
        String all = String.join(" ", queries);
        emails.forEach(e -> assertThat(all).contains("'" + SoqlLookup.escape(e) + "'"));
        assertThat(all).contains("'o\\'brien@example.com'");
    }

    @Test
    void a_request_refused_for_its_size_is_permanent() {
        RuntimeException e = SalesforceAdapter.classify(new IllegalStateException("wrapped",
                new IllegalArgumentException("HEADER_OVERFLOW")));
        assertThat(e).isInstanceOf(io.lethe.connectors.VendorException.Permanent.class);
    }
}
