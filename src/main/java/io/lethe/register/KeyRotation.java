package io.lethe.register;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import io.lethe.db.Transactions;

/**
 * Re-wraps every subject's data key under the current master key of {@code keys} (the new one), in batches of one
 * transaction each, while hubs keep running: a row is changed only if its wrapped key is still the one read (an
 * erasure in between wins), and a hub opens either wrapping because it reads the new key from the data directory.
 * Passes repeat until one finds nothing left, including subjects a hub created meanwhile under the old key.
 */
public final class KeyRotation {

    private final DataSource dataSource;
    private final KeyRing keys;
    private final int batchSize;
    private final Duration settle;
    private final PrintWriter progress;
    private final Set<String> unreadable = new LinkedHashSet<>();
    private long rewrapped;

    public KeyRotation(DataSource dataSource, KeyRing keys, int batchSize, Duration settle, PrintWriter progress) {
        this.dataSource = dataSource;
        this.keys = keys;
        this.batchSize = batchSize;
        this.settle = settle;
        this.progress = progress;
    }

    /**
     * Runs until no data key is left under another master key; returns how many were re-wrapped (keys a hub already
     * made under the new key only get their key id).
     */
    public long run() throws SQLException, InterruptedException {
        String target = keys.currentKeyId();
        while (true) {
            if (pass(target) == 0) {
                // A hub picks up the new key within a second: wait, then make sure nothing came in under the old one.
                Thread.sleep(settle.toMillis());
                if (pass(target) == 0) {
                    return rewrapped;
                }
            }
        }
    }

    /** Subjects whose data key no known master key opens (left as they are). */
    public Set<String> unreadable() {
        return unreadable;
    }

    private long pass(String target) throws SQLException {
        long before = rewrapped;
        String after = "";
        while (true) {
            List<Object[]> batch = new ArrayList<>();
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("select id,"
                    + " data_key from subject where data_key is not null and (key_id is null or key_id <> ?)"
                    + " and id > ? order by id limit ?")) {
                ps.setString(1, target);
                ps.setString(2, after);
                ps.setInt(3, batchSize);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        batch.add(new Object[] {rs.getString(1), rs.getBytes(2)});
                    }
                }
            }
            if (batch.isEmpty()) {
                return rewrapped - before;
            }
            after = (String) batch.get(batch.size() - 1)[0];
            rewrapped += Transactions.inTransaction(dataSource, c -> rewrap(c, batch, target));
            progress.println("  re-wrapped " + rewrapped + " data keys");
            progress.flush();
        }
    }

    private int rewrap(Connection c, List<Object[]> batch, String target) throws SQLException {
        int done = 0;
        try (PreparedStatement ps = c.prepareStatement(
                "update subject set data_key = ?, key_id = ? where id = ? and data_key = ?")) {
            for (Object[] row : batch) {
                String id = (String) row[0];
                byte[] wrapped = (byte[]) row[1];
                byte[] again;
                if (keys.wrapsWithCurrent(id, wrapped)) {
                    // Made by a hub that already has the new key: only the key id is missing.
                    ps.setBytes(1, wrapped);
                    ps.setString(2, target);
                    ps.setString(3, id);
                    ps.setBytes(4, wrapped);
                    ps.addBatch();
                    continue;
                }
                try {
                    again = keys.rewrap(id, wrapped);
                } catch (IllegalStateException e) {
                    unreadable.add(id);
                    continue;
                }
                ps.setBytes(1, again);
                ps.setString(2, target);
                ps.setString(3, id);
                ps.setBytes(4, wrapped);
                ps.addBatch();
                done++;
            }
            ps.executeBatch();
        }
        return done;
    }

    /** Writes a key file readable by its owner only; refuses to overwrite. */
    public static void writeSecret(Path file, byte[] key) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " exists already; not overwritten");
        }
        Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n", StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** A new random master key. */
    public static byte[] newMasterKey() {
        return Aead.randomKey();
    }
}
