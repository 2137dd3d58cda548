package org.crosstenant.stack.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removes data directories of the local stack and the tests (Keycloak's h2, temp homes, wiped stack data). */
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
}
