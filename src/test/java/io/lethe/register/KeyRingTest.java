package io.lethe.register;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyRingTest {

    private final KeyRing keys = new KeyRing(Aead.randomKey());

    @Test
    void a_sealed_value_opens_only_with_its_subject_key_and_binding() {
        KeyRing.DataKey dataKey = keys.newDataKey("s-1");
        byte[] sealed = dataKey.key().seal("ann@example.com", "s-1/EMAIL");
        assertThat(dataKey.key().open(sealed, "s-1/EMAIL")).isEqualTo("ann@example.com");
        assertThat(keys.unwrap("s-1", dataKey.wrapped()).open(sealed, "s-1/EMAIL")).isEqualTo("ann@example.com");

        assertThatThrownBy(() -> dataKey.key().open(sealed, "s-2/EMAIL")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> keys.newDataKey("s-3").key().open(sealed, "s-1/EMAIL"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> keys.unwrap("s-2", dataKey.wrapped())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tampering_is_detected() {
        KeyRing.SubjectKey key = keys.newDataKey("s").key();
        byte[] sealed = key.seal("value", "b");
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> key.open(sealed, "b")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void the_same_plaintext_seals_differently_each_time() {
        KeyRing.SubjectKey key = keys.newDataKey("s").key();
        assertThat(key.seal("same", "b")).isNotEqualTo(key.seal("same", "b"));
    }

    @Test
    void lookup_hashes_are_stable_keyed_and_kind_separated() {
        String a = keys.lookupHash(IdentityKind.EMAIL, "x@example.com");
        assertThat(keys.lookupHash(IdentityKind.EMAIL, "x@example.com")).isEqualTo(a);
        assertThat(keys.lookupHash(IdentityKind.EXTERNAL_ID, "x@example.com")).isNotEqualTo(a);
        assertThat(new KeyRing(Aead.randomKey()).lookupHash(IdentityKind.EMAIL, "x@example.com")).isNotEqualTo(a);
    }

    @Test
    void master_keys_must_be_256_bits() {
        assertThatThrownBy(() -> new KeyRing(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }
}
