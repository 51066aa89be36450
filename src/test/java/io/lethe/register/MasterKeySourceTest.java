package io.lethe.register;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MasterKeySourceTest {

    @TempDir
    Path dataDir;

    @Test
    void without_a_configured_key_one_is_generated_once_with_mode_600() throws Exception {
        byte[] first = MasterKeySource.load("", dataDir);
        Path file = dataDir.resolve("lethe.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(first).hasSize(32);
        assertThat(MasterKeySource.load(null, dataDir)).isEqualTo(first);
    }

    @Test
    void a_configured_key_wins_and_must_be_256_bits() throws Exception {
        byte[] key = new byte[32];
        key[0] = 7;
        assertThat(MasterKeySource.load(Base64.getEncoder().encodeToString(key), dataDir)).isEqualTo(key);
        assertThat(dataDir.resolve("lethe.key")).doesNotExist();
        assertThatThrownBy(() -> MasterKeySource.load(Base64.getEncoder().encodeToString(new byte[16]), dataDir))
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> MasterKeySource.load("not base64!", dataDir)).hasMessageContaining("base64");
    }
}
