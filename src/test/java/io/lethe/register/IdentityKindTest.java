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
    @CsvSource({
        "ü@bücher.de,ü@xn--bcher-kva.de",
        "ü@xn--bcher-kva.de,ü@xn--bcher-kva.de",
        "Ü@BÜCHER.DE,ü@xn--bcher-kva.de",
        "ü@XN--BCHER-KVA.de,ü@xn--bcher-kva.de",
        "josé.garcía-fernández@correo.ejemplo.es,josé.garcía-fernández@correo.ejemplo.es",
        "用户.testkonto@例子.测试,用户.testkonto@xn--fsqu00a.xn--0zwm56d",
        "ｍａｒｉａ．ｓｃｈｍｉｄｔ＠ｂｅｉｓｐｉｅｌ．ｄｅ,maria.schmidt@beispiel.de",
        "'  Σοφία.Παπαδοπούλου@παράδειγμα.δοκιμή ',σοφία.παπαδοπούλου@xn--hxajbheg2az3al.xn--jxalpdlp"
    })
    void internationalised_addresses_take_the_ascii_domain_and_an_nfkc_lower_cased_local_part(String raw, String normal) {
        assertThat(IdentityKind.EMAIL.normalise(raw)).contains(normal);
    }

    @org.junit.jupiter.api.Test
    void a_decomposed_local_part_has_the_same_normal_form_as_the_composed_one() {
        String decomposed = "u\u0308ber.konto@bu\u0308cher.de"; // "ü" as u + combining diaeresis
        assertThat(IdentityKind.EMAIL.normalise(decomposed)).isEqualTo(IdentityKind.EMAIL.normalise("über.konto@bücher.de"))
                .contains("über.konto@xn--bcher-kva.de");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ü@xn--zz.de",              // not Punycode of anything
        "anna@straße.de",           // IDNA2003 would rewrite it to strasse.de, another domain
        "anna@xn--strae-oqa.de",    // the same domain as IDNA2008 A-label: the JDK cannot decode it
        "a☃b@example.com",          // a symbol in the local part
        "anna\u200b@example.com",  // zero-width space
        "anna@exa mple.de",
        "anna@bücher..de",
        "anna@bücher.de."})
    void malformed_internationalised_addresses_are_refused(String raw) {
        assertThat(IdentityKind.EMAIL.normalise(raw)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void lengths_are_counted_in_octets_of_the_normal_form() {
        String domain = "d".repeat(60) + "." + "e".repeat(60) + "." + "f".repeat(60) + ".example.org"; // 195
        String ascii64 = "a".repeat(64);
        assertThat(IdentityKind.EMAIL.normalise(ascii64 + "@" + "g".repeat(50) + ".example.org")).isPresent();
        assertThat(IdentityKind.EMAIL.normalise("a".repeat(65) + "@example.org")).isEmpty();
        assertThat(IdentityKind.EMAIL.normalise("ü".repeat(32) + "@example.org")).isPresent(); // 64 octets
        assertThat(IdentityKind.EMAIL.normalise("ü".repeat(33) + "@example.org")).isEmpty();  // 66 octets
        String at254 = "b".repeat(254 - 1 - domain.length()) + "@" + domain;
        assertThat(at254).hasSize(254);
        assertThat(IdentityKind.EMAIL.normalise(at254)).contains(at254);
        assertThat(IdentityKind.EMAIL.normalise("b" + at254)).isEmpty();
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
