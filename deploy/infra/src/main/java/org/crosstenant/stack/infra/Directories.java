package org.crosstenant.stack.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Files of the local stack and the tests: removes data directories (Keycloak's h2, temp homes, wiped stack data) and
 * writes secrets readable by their owner only.
 */
public final class Directories {

    private Directories() {
    }

    /** Deletes {@code root} and everything below it (a link is removed, not followed); nothing if it is absent. */
    public static void delete(Path root) throws IOException {
        if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** As {@link #delete(Path)}, for temporary directories where a leftover is harmless; true when it is gone. */
    public static boolean deleteQuietly(Path root) {
        try {
            delete(root);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Replaces {@code file} with {@code content} (UTF-8), readable and writable by its owner only from the moment it
     * exists (POSIX {@code rw-------}): for keys and files holding passwords.
     *
     * @throws IOException when the file cannot be removed, created or written
     */
    public static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
    }
}
