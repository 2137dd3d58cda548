package org.crosstenant.stack.infra.testing;

import org.crosstenant.stack.infra.Directories;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test resources are shared per JVM through system properties rather than static fields alone: Quarkus may load a
 * test resource class in more than one class loader (one per test profile / application restart), and each copy must
 * find the broker, server and key that the first one started instead of starting another.
 */
final class JvmShared {

    private JvmShared() {
    }

    static String get(String property) {
        String value = System.getProperty(property);
        return value == null || value.isBlank() ? null : value;
    }

    static void set(String property, String value) {
        System.setProperty(property, value);
    }

    static void onJvmExit(String name, Runnable action) {
        Runtime.getRuntime().addShutdownHook(new Thread(action, name));
    }

    /** Locks held until this JVM exits; a dir whose lock anyone can take belongs to a JVM that is gone. */
    private static final List<FileChannel> OWNED = new ArrayList<>();
    private static final String OWNER_LOCK = "owner.lock";
    private static final Duration STALE_AFTER = Duration.ofMinutes(2);

    /** A new temp dir that {@link #sweepStaleDirs} leaves alone as long as this JVM lives. */
    static synchronized Path ownedTempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            FileChannel channel = FileChannel.open(dir.resolve(OWNER_LOCK), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            channel.lock();
            OWNED.add(channel);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir", e);
        }
    }

    /**
     * Deletes temp dirs of test JVMs that were killed before their shutdown hooks ran (their child processes stop
     * by themselves, their files stay): those whose owner lock is free and that are older than a couple of minutes.
     */
    static void sweepStaleDirs(String prefix) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> dirs = Files.list(tmp)) {
            dirs.filter(dir -> dir.getFileName().toString().startsWith(prefix) && Files.isDirectory(dir))
                    .filter(JvmShared::olderThanStaleLimit)
                    .filter(JvmShared::ownerIsGone)
                    .forEach(Directories::deleteQuietly);
        } catch (IOException | RuntimeException e) {
            // best effort: a leftover dir costs disk space, never correctness
        }
    }

    private static boolean olderThanStaleLimit(Path dir) {
        try {
            return Files.getLastModifiedTime(dir).toInstant().isBefore(Instant.now().minus(STALE_AFTER));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean ownerIsGone(Path dir) {
        Path lockFile = dir.resolve(OWNER_LOCK);
        if (!Files.exists(lockFile)) {
            return true; // killed between creating the dir and locking it
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (IOException | OverlappingFileLockException e) {
            return false; // held by this JVM or unreadable: leave it
        }
    }
}
