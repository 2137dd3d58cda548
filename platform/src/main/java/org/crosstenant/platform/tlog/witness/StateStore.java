package org.crosstenant.platform.tlog.witness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import org.crosstenant.platform.tlog.Checkpoint;
import org.crosstenant.platform.tlog.SignedNote;

/**
 * The witness's state: per log origin, the latest checkpoint it cosigned, as a signed note (the log's verified
 * signature and the witness's cosignature) in {@code <state dir>/<hex SHA-256 of the origin>.note}. A write is
 * atomic and durable before it returns: temporary file, fsync, atomic rename, fsync of the directory. The caller
 * serialises writes per origin.
 */
public final class StateStore {

    private final Path directory;

    /**
     * @param directory the state directory; created when missing
     * @throws UncheckedIOException when it cannot be created
     */
    public StateStore(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the witness state directory " + directory, e);
        }
    }

    /**
     * @param origin a log origin
     * @return the latest cosigned checkpoint note of that log, empty when it never cosigned one
     * @throws IllegalStateException when the stored file is not a checkpoint note of that origin (a damaged state is
     *                               never read as "nothing cosigned yet": that would allow a rollback)
     */
    public Optional<SignedNote> latest(String origin) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file(origin));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the witness state of " + origin, e);
        }
        try {
            SignedNote note = SignedNote.parse(bytes);
            if (!Checkpoint.parse(note.text()).origin().equals(origin)) {
                throw new IllegalStateException("the witness state file of " + origin + " holds another origin");
            }
            return Optional.of(note);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the witness state of " + origin + " is damaged: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces the latest cosigned checkpoint of a log, durably.
     *
     * @param origin the log's origin
     * @param note   the checkpoint with the log's signature and the witness's cosignature
     * @throws UncheckedIOException when it cannot be written (the old state is then unchanged)
     */
    public void store(String origin, SignedNote note) {
        Path target = file(origin);
        Path temporary = directory.resolve(target.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(note.format().getBytes(StandardCharsets.UTF_8));
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the state directory does not support atomic renames", e);
            }
            syncDirectory();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the witness state of " + origin, e);
        }
    }

    /** Makes the rename durable (POSIX: fsync of the directory); some platforms cannot open a directory. */
    private void syncDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
            // Windows: directories cannot be opened; the rename is as durable as the platform makes it
        }
    }

    /** @return the state file of an origin (the origin is hashed: it may hold any character) */
    Path file(String origin) {
        return directory.resolve(originHash(origin) + ".note");
    }

    /**
     * @param origin a log origin
     * @return the lower-case hex SHA-256 of its UTF-8 bytes (the C2SP tlog-witness "origin hash")
     */
    public static String originHash(String origin) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(origin.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
