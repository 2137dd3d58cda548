package org.crosstenant.stack.infra.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
