package io.lethe.register;

import com.zaxxer.hikari.HikariDataSource;
import io.lethe.db.Database;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyCheckTest {

    @Test
    void a_register_refuses_another_lookup_hash_key_than_it_was_built_with() {
        TestDatabase db = TestDatabase.h2();
        try (HikariDataSource ds = Database.open(db.url(), db.user(), db.password(), 2)) {
            Database.migrate(ds);
            byte[] first = Aead.randomKey();
            KeyCheck.verifyOrRecord(ds, new KeyRing(first));
            assertThatCode(() -> KeyCheck.verifyOrRecord(ds, new KeyRing(first))).doesNotThrowAnyException();
            // After a rotation the lookup key stays the first key's, whatever the master key is now.
            byte[] rotated = Aead.randomKey();
            KeyRing afterRotation = new KeyRing(() -> new MasterKeys(rotated, rotated, java.util.List.of(rotated),
                    KeyRing.deriveLookupKey(first)));
            assertThatCode(() -> KeyCheck.verifyOrRecord(ds, afterRotation)).doesNotThrowAnyException();
            // Losing lookup.key would derive it from the new master key: refused, not silently missing everyone.
            assertThatThrownBy(() -> KeyCheck.verifyOrRecord(ds, new KeyRing(rotated)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("LETHE_LOOKUP_KEY");
        }
    }
}
