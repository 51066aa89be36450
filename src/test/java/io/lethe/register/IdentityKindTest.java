package io.lethe.register;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class IdentityKindTest {

    @ParameterizedTest
    @CsvSource({"Ann@Example.COM,ann@example.com", "' bo.x+tag@sub.example.org ',bo.x+tag@sub.example.org"})
    void emails_are_compared_trimmed_and_lower_cased(String raw, String normal) {
        assertThat(IdentityKind.EMAIL.normalise(raw)).contains(normal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "a@b", "a@@example.com", "a b@example.com", "a@example..com", "@example.com",
        "a@-example.com", "<script>@example.com", "a@example.com\nBcc: x@y.z"})
    void malformed_emails_are_refused(String raw) {
        assertThat(IdentityKind.EMAIL.normalise(raw)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"+49 151 2345 6789,+4915123456789", "+1 (415) 555-0100,+14155550100"})
    void phones_are_e164(String raw, String normal) {
        assertThat(IdentityKind.PHONE.normalise(raw)).contains(normal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"015123456789", "+0123456789", "+12", "phone"})
    void non_e164_phones_are_refused(String raw) {
        assertThat(IdentityKind.PHONE.normalise(raw)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "tab\there"})
    void external_ids_are_visible_characters(String raw) {
        assertThat(IdentityKind.EXTERNAL_ID.normalise(raw)).isEmpty();
    }
}
