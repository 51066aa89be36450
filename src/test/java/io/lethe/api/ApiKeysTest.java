package io.lethe.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeysTest {

    @TempDir
    Path dataDir;

    @Test
    void a_key_authenticates_as_the_name_and_role_its_hash_is_listed_with() {
        ApiKeys keys = ApiKeys.parse("ops:admin:" + ApiKeys.sha256Hex("k1") + ", crm:intake:"
                + ApiKeys.sha256Hex("k2").toUpperCase());
        assertThat(keys.authenticate("k1")).contains(new Principal("ops", Role.ADMIN));
        assertThat(keys.authenticate("k2")).contains(new Principal("crm", Role.INTAKE));
        assertThat(keys.authenticate("k3")).isEmpty();
        assertThat(keys.authenticate("")).isEmpty();
        assertThat(keys.authenticate(null)).isEmpty();
    }

    @Test
    void malformed_entries_refuse_the_whole_list() {
        assertThatThrownBy(() -> ApiKeys.parse("ops:root:" + ApiKeys.sha256Hex("k"))).hasMessageContaining("role");
        assertThatThrownBy(() -> ApiKeys.parse("ops:admin:abc")).hasMessageContaining("SHA-256");
        assertThatThrownBy(() -> ApiKeys.parse("ops:admin")).hasMessageContaining("name:role:sha256hex");
    }

    @Test
    void without_configured_keys_an_admin_key_is_printed_once_and_only_its_hash_kept() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ApiKeys keys = InitialAdminKey.configuredOrInitial("", dataDir, new PrintStream(console, true, StandardCharsets.UTF_8));
        String printed = console.toString(StandardCharsets.UTF_8).lines().map(String::strip)
                .filter(l -> l.startsWith("lethe_")).findFirst().orElseThrow();
        assertThat(keys.authenticate(printed)).hasValueSatisfying(p -> assertThat(p.role()).isEqualTo(Role.ADMIN));
        String stored = Files.readString(dataDir.resolve(InitialAdminKey.FILE_NAME));
        assertThat(stored).doesNotContain(printed).contains(ApiKeys.sha256Hex(printed));

        ByteArrayOutputStream second = new ByteArrayOutputStream();
        ApiKeys again = InitialAdminKey.configuredOrInitial("", dataDir, new PrintStream(second, true, StandardCharsets.UTF_8));
        assertThat(second.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(again.authenticate(printed)).isPresent();
    }

    @Test
    void keys_of_lethe_api_keys_are_not_revoked_through_the_api_and_the_last_admin_stays() throws Exception {
        ApiKeys keys = ApiKeys.parse("ops:admin:" + ApiKeys.sha256Hex("k1"));
        assertThat(keys.revoke("ops")).isEqualTo(ApiKeys.Revocation.CONFIGURED);
        assertThat(keys.revoke("other")).isEqualTo(ApiKeys.Revocation.NOT_FOUND);

        ApiKeys initialOnly = InitialAdminKey.configuredOrInitial("", dataDir, new PrintStream(new ByteArrayOutputStream(),
                true, StandardCharsets.UTF_8));
        assertThat(initialOnly.revoke("initial-admin")).isEqualTo(ApiKeys.Revocation.LAST_ADMIN);
        assertThat(initialOnly.list()).extracting(ApiKeys.KeyInfo::name).containsExactly("initial-admin");
    }
}
