package io.lethe.register;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the master key comes from: {@code LETHE_ENCRYPTION_KEY} (base64 of 32 bytes) when set, otherwise a
 * key generated once into {@code <data dir>/lethe.key} with mode 600. Losing that file makes every
 * subject's personal data unreadable, hence the warning.
 */
public final class MasterKeySource {

    private static final Logger LOG = LoggerFactory.getLogger(MasterKeySource.class);

    private MasterKeySource() {
    }

    public static byte[] load(String configuredBase64, Path dataDir) throws IOException {
        if (configuredBase64 != null && !configuredBase64.isBlank()) {
            return decode(configuredBase64.strip(), "LETHE_ENCRYPTION_KEY");
        }
        Path keyFile = dataDir.resolve("lethe.key");
        if (!Files.exists(keyFile)) {
            generate(keyFile);
        }
        return decode(Files.readString(keyFile).strip(), keyFile.toString());
    }

    private static void generate(Path keyFile) throws IOException {
        Files.createDirectories(keyFile.getParent());
        String encoded = Base64.getEncoder().encodeToString(Aead.randomKey());
        try {
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException raced) {
            return;
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(keyFile);
        }
        Files.writeString(keyFile, encoded + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        LOG.warn("LETHE_ENCRYPTION_KEY is not set: generated a new encryption key into {}. Back it up and keep it"
                + " secret; without it the register's personal data cannot be read. Production should set"
                + " LETHE_ENCRYPTION_KEY from a secret store.", keyFile);
    }

    private static byte[] decode(String base64, String origin) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + " is not valid base64");
        }
        if (key.length != Aead.KEY_BYTES) {
            throw new IllegalArgumentException(origin + " must be the base64 of exactly 32 bytes (a 256-bit key), not "
                    + key.length + " bytes");
        }
        return key;
    }
}
