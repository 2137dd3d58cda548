package org.crosstenant.stack.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Keycloak server (the {@code keycloak-quarkus-dist} tarball) run as a child process on loopback HTTP, with
 * realms imported from JSON files. The home directory is kept across runs: the tarball is unpacked and
 * {@code kc.sh build} runs only once (marker files), so a later start only pays for the server boot.
 * <p>
 * Usage: {@code try (KeycloakServer kc = KeycloakServer.builder(KeycloakServer.defaultDistArchive(), home).port(8180)
 * .start()) { kc.issuerUrl("contoso"); }}. Without realms given, the demo realms {@link #DEMO_REALMS} are imported.
 */
public final class KeycloakServer implements AutoCloseable {

    /** The demo realms shipped in this module (classpath resources). */
    public static final List<String> DEMO_REALMS = List.of("keycloak/contoso-realm.json", "keycloak/fabrikam-realm.json");
    /** Local stack only: the master realm's bootstrap administrator. */
    public static final String DEFAULT_ADMIN_USERNAME = "admin";
    public static final String DEFAULT_ADMIN_PASSWORD = "admin-password";
    /** C1 only: roughly halves the boot on this 2-core machine; throughput-heavy runs can pass "" instead. */
    public static final String DEFAULT_JVM_OPTIONS = "-XX:TieredStopAtLevel=1";
    /** kc.sh's own default outside containers, stated so it does not depend on the script version. */
    public static final String DEFAULT_HEAP = "-Xms64m -Xmx512m";

    static final String DIST_PROPERTY = "crosstenant.keycloak.dist";
    static final String DIST_ENV = "CROSSTENANT_KEYCLOAK_DIST";
    static final String JAVA_HOME_PROPERTY = "crosstenant.keycloak.java-home";
    static final String JAVA_HOME_ENV = "CROSSTENANT_KEYCLOAK_JAVA_HOME";
    static final String DIST_RELATIVE = "deploy/infra/target/keycloak-dist/keycloak.tar.gz";
    /** Only build-time options belong here; changing them triggers a new {@code kc.sh build}. */
    static final List<String> BUILD_OPTIONS = List.of("--db=dev-file");
    static final String UNPACKED_MARKER = ".crosstenant-unpacked";
    static final String BUILT_MARKER = ".crosstenant-built";
    static final String REALMS_MARKER = "data/.crosstenant-realms.sha256";
    static final String LOCK_FILE = ".crosstenant-lock";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path homeDir;
    private final int port;
    private final List<String> realms;
    private final Duration startupTime;
    private final Preparation preparation;
    private final HomeLock lock;
    private final Thread shutdownHook;

    private KeycloakServer(Process process, Path homeDir, int port, List<String> realms, Duration startupTime,
                           Preparation preparation, HomeLock lock) {
        this.process = process;
        this.lock = lock;
        this.homeDir = homeDir;
        this.port = port;
        this.realms = List.copyOf(realms);
        this.startupTime = startupTime;
        this.preparation = preparation;
        // a test JVM that ends without close() must not leave a Keycloak JVM behind
        this.shutdownHook = new Thread(() -> ProcessTree.stop(process, Duration.ofSeconds(10)), "keycloak-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder(Path distArchive, Path homeDir) {
        return new Builder(distArchive, homeDir);
    }

    /** Starts Keycloak with the given realm JSONs (classpath resource names or file paths). */
    public static KeycloakServer start(Path distArchive, Path homeDir, int port, Iterable<?> realms) {
        Builder builder = builder(distArchive, homeDir).port(port);
        for (Object realm : realms) {
            if (realm instanceof Path path) {
                builder.realmFile(path);
            } else {
                builder.realmResource(realm.toString());
            }
        }
        return builder.start();
    }

    /** http://127.0.0.1:port/realms/realm — the issuer Keycloak puts in tokens requested through this URL. */
    public String issuerUrl(String realm) {
        return baseUrl() + "/realms/" + realm;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path homeDir() {
        return homeDir;
    }

    public Path logFile() {
        return homeDir.resolve("keycloak.log");
    }

    /** Names of the imported realms, in the order given. */
    public List<String> realms() {
        return realms;
    }

    /** From launching kc.sh until every realm's discovery document answered 200. */
    public Duration startupTime() {
        return startupTime;
    }

    /** What this start had to do before launching: unpack the tarball, run kc.sh build, wipe the H2 database. */
    public Preparation preparation() {
        return preparation;
    }

    /**
     * The launched process: the orphan guard's {@code /bin/sh} ({@link ProcessTree#orphanGuard}), parent of kc.sh,
     * which stays the parent of the Keycloak JVM ({@link #jvm()} finds it among the descendants).
     */
    public ProcessHandle process() {
        return process.toHandle();
    }

    /**
     * Closes this JVM's end of the launch pipe, as this JVM's exit would (however it exits): the orphan guard
     * ({@link ProcessTree#orphanGuard}) then stops Keycloak. For tests of that guarantee; {@link #close()} is the way
     * to stop it.
     */
    void closeLauncherPipe() throws IOException {
        process.getOutputStream().close();
    }

    /** The Keycloak JVM: kc.sh's java child, or kc.sh itself once it exec'ed java after a re-augmentation. */
    public Optional<ProcessHandle> jvm() {
        return Stream.concat(Stream.of(process.toHandle()), process.toHandle().descendants())
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst();
    }

    /** Resident set size of the Keycloak JVM in KiB (Linux /proc), or -1 when unknown. */
    public long jvmResidentKib() {
        return jvm().map(h -> residentKib(h.pid())).orElse(-1L);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops kc.sh and the Keycloak JVM (SIGTERM, SIGKILL after 30 s). */
    @Override
    public String toString() {
        return "Keycloak";
    }

    @Override
    public void close() {
        ProcessTree.stop(process, Duration.ofSeconds(30));
        lock.close();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway; nothing left to do
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * The downloaded dist archive: system property {@value #DIST_PROPERTY}, env {@value #DIST_ENV}, or
     * {@value #DIST_RELATIVE} found by walking up from the working directory (works from any module of the reactor).
     */
    public static Path defaultDistArchive() {
        String configured = Optional.ofNullable(System.getProperty(DIST_PROPERTY)).orElse(System.getenv(DIST_ENV));
        if (configured != null && !configured.isBlank()) {
            Path path = Paths.get(configured).toAbsolutePath();
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("Keycloak dist " + path + " (from " + DIST_PROPERTY + ") does not exist");
            }
            return path;
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : List.of(dir.resolve(DIST_RELATIVE), dir.resolve("target/keycloak-dist/keycloak.tar.gz"))) {
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("Keycloak dist not found: set -D" + DIST_PROPERTY + " or run "
                + "'mvn -pl deploy/infra generate-resources' to fetch it into " + DIST_RELATIVE);
    }

    /**
     * The JDK to run Keycloak with: system property {@value #JAVA_HOME_PROPERTY}, env {@value #JAVA_HOME_ENV}, else
     * the newest JDK under /usr/lib/jvm (Keycloak 26 wants Java 21+), else this JVM's own java.home.
     */
    public static Path defaultJavaHome() {
        String configured = Optional.ofNullable(System.getProperty(JAVA_HOME_PROPERTY)).orElse(System.getenv(JAVA_HOME_ENV));
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured);
        }
        Path jvms = Paths.get("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> dirs = Files.list(jvms)) {
                Optional<Path> newest = dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")))
                        .max(Comparator.comparingInt(KeycloakServer::javaFeatureVersion)
                                .thenComparing(d -> !Files.isSymbolicLink(d))
                                .thenComparing(Path::toString));
                if (newest.isPresent() && javaFeatureVersion(newest.get()) >= Runtime.version().feature()) {
                    return newest.get();
                }
            } catch (IOException e) {
                // fall through to the running JVM
            }
        }
        return Paths.get(System.getProperty("java.home"));
    }

    /** The JAVA_VERSION of a JDK's release file ("25.0.1" → 25), 0 when unreadable. */
    static int javaFeatureVersion(Path javaHome) {
        try {
            for (String line : Files.readAllLines(javaHome.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    String feature = version.split("[.+-]")[0];
                    return "1".equals(feature) ? Integer.parseInt(version.split("\\.")[1]) : Integer.parseInt(feature);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a JDK we can identify
        }
        return 0;
    }

    static long residentKib(long pid) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // process gone or not Linux
        }
        return -1;
    }

    /**
     * One Keycloak per home directory: a second one would find the H2 database locked only after this class had
     * already rewritten data/import (or wiped data/h2) under the running server's feet.
     */
    static final class HomeLock implements AutoCloseable {
        private final java.nio.channels.FileChannel channel;
        private final java.nio.channels.FileLock lock;

        private HomeLock(java.nio.channels.FileChannel channel, java.nio.channels.FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        static HomeLock acquire(Path homeDir) throws IOException {
            Files.createDirectories(homeDir);
            java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(homeDir.resolve(LOCK_FILE),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
            java.nio.channels.FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException sameJvm) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("Keycloak home " + homeDir + " is in use by another running Keycloak");
            }
            return new HomeLock(channel, lock);
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                // the lock goes with the channel anyway
            }
        }
    }

    /** What a start did to the home directory; all false when it reused everything. */
    public record Preparation(boolean unpacked, boolean built, boolean dataWiped) {
    }

    /** A realm JSON to import: its realm name and content. */
    record Realm(String name, byte[] json) {
    }

    static Realm readRealm(String source, byte[] json) {
        try {
            JsonNode name = JSON.readTree(json).get("realm");
            if (name == null || !name.isTextual() || name.asText().isBlank()) {
                throw new IllegalArgumentException("realm file " + source + " has no \"realm\" name");
            }
            return new Realm(name.asText(), json);
        } catch (IOException e) {
            throw new IllegalArgumentException("realm file " + source + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Unpacks the distribution into {@code homeDir} and runs {@code kc.sh build} there (both only when not done
     * before), so that {@code kc.sh start --optimized} can run from that directory elsewhere, e.g. copied into a
     * container image (deploy/testcontainers). Realms and data are left to the caller.
     *
     * @param distArchive the Keycloak distribution tarball ({@link #defaultDistArchive()})
     * @param homeDir     where to unpack; kept across calls
     * @param javaHome    the JDK (21+) that runs {@code kc.sh build}
     * @return {@code homeDir}
     * @throws IllegalStateException when unpacking or the build fails (with the end of its log)
     */
    public static Path prepareOptimizedHome(Path distArchive, Path homeDir, Path javaHome) {
        try (HomeLock lock = HomeLock.acquire(homeDir)) {
            unpack(distArchive.toAbsolutePath(), homeDir.toAbsolutePath());
            build(homeDir.toAbsolutePath(), Map.of("JAVA_HOME", javaHome.toString()));
            return homeDir;
        } catch (IOException e) {
            throw new UncheckedIOException("preparing Keycloak home " + homeDir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing Keycloak", e);
        }
    }

    /** Unpacks the tarball into homeDir unless this very archive was unpacked there before. */
    static boolean unpack(Path distArchive, Path homeDir) throws IOException, InterruptedException {
        String identity = distArchive.getFileName() + " " + Files.size(distArchive);
        Path marker = homeDir.resolve(UNPACKED_MARKER);
        if (Files.isRegularFile(marker) && Files.readString(marker).equals(identity)
                && Files.isRegularFile(homeDir.resolve("bin/kc.sh"))) {
            return false;
        }
        Files.createDirectories(homeDir);
        // another version's jars must not mix with the new ones; data/ (the H2 database) is kept
        Directories.delete(homeDir.resolve("lib"));
        Files.deleteIfExists(homeDir.resolve(BUILT_MARKER));
        run(List.of("tar", "xzf", distArchive.toString(), "--strip-components=1", "-C", homeDir.toString()),
                homeDir, Map.of(), homeDir.resolve("keycloak-unpack.log"), Duration.ofMinutes(5), "unpacking " + distArchive);
        Files.writeString(marker, identity);
        return true;
    }

    /** Runs kc.sh build once per set of build options (the optimized start then skips the augmentation). */
    static boolean build(Path homeDir, Map<String, String> env) throws IOException, InterruptedException {
        String identity = String.join(" ", BUILD_OPTIONS);
        Path marker = homeDir.resolve(BUILT_MARKER);
        if (Files.isRegularFile(marker) && Files.readString(marker).equals(identity)) {
            return false;
        }
        List<String> command = new ArrayList<>(List.of(homeDir.resolve("bin/kc.sh").toString(), "build"));
        command.addAll(BUILD_OPTIONS);
        run(command, homeDir, env, homeDir.resolve("keycloak-build.log"), Duration.ofMinutes(10), "kc.sh build");
        Files.writeString(marker, identity);
        return true;
    }

    /**
     * Puts exactly the given realms into data/import and wipes the H2 database when asked to, or when the realm
     * files differ from those the database was imported from (Keycloak skips realms that already exist, so an edited
     * realm file would otherwise be silently ignored). Returns true when the database was wiped.
     */
    static boolean prepareData(Path homeDir, List<Realm> realms, boolean fresh) throws IOException {
        Path importDir = homeDir.resolve("data/import");
        Path h2 = homeDir.resolve("data/h2");
        Path marker = homeDir.resolve(REALMS_MARKER);
        String digest = digest(realms);
        boolean changed = !Files.isRegularFile(marker) || !Files.readString(marker).equals(digest);
        boolean wiped = false;
        if ((fresh || changed) && Files.exists(h2)) {
            Directories.delete(h2);
            wiped = true;
        }
        Directories.delete(importDir);
        Files.createDirectories(importDir);
        for (Realm realm : realms) {
            Files.write(importDir.resolve(realm.name() + "-realm.json"), realm.json());
        }
        Files.writeString(marker, digest);
        return wiped;
    }

    static String digest(List<Realm> realms) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            realms.stream().sorted(Comparator.comparing(Realm::name)).forEach(r -> {
                sha.update(r.name().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(r.json());
                sha.update((byte) 0);
            });
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(List<String> command, Path dir, Map<String, String> env, Path log, Duration timeout,
                            String what) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        useOnly(pb, env);
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            ProcessTree.stop(p, Duration.ofSeconds(5));
            throw new IllegalStateException(what + " did not finish within " + timeout + "; see " + log + "\n" + tail(log));
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(what + " failed with exit code " + p.exitValue() + "; see " + log + "\n" + tail(log));
        }
    }

    /** A developer's KC_*, JAVA_OPTS* or QUARKUS_* variables would silently change the server: only ours count. */
    private static void useOnly(ProcessBuilder pb, Map<String, String> env) {
        pb.environment().keySet().removeIf(k -> k.startsWith("KC_") || k.startsWith("JAVA_OPTS")
                || k.startsWith("QUARKUS_") || k.equals("JAVA_ADD_OPENS"));
        pb.environment().putAll(env);
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    public static final class Builder {
        private final Path distArchive;
        private final Path homeDir;
        private final List<Realm> realms = new ArrayList<>();
        private int port;
        private boolean freshData;
        private Path javaHome;
        private String jvmOptions = DEFAULT_JVM_OPTIONS;
        private String heap = DEFAULT_HEAP;
        private String adminUsername = DEFAULT_ADMIN_USERNAME;
        private String adminPassword = DEFAULT_ADMIN_PASSWORD;
        private Duration startTimeout = Duration.ofMinutes(5);

        private Builder(Path distArchive, Path homeDir) {
            this.distArchive = distArchive.toAbsolutePath();
            this.homeDir = homeDir.toAbsolutePath();
        }

        /** HTTP port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** A realm JSON on the classpath, e.g. "keycloak/contoso-realm.json". */
        public Builder realmResource(String resource) {
            String name = resource.startsWith("/") ? resource.substring(1) : resource;
            try (InputStream in = KeycloakServer.class.getClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalArgumentException("realm resource " + resource + " not on the classpath");
                }
                realms.add(readRealm(resource, in.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        public Builder realmFile(Path file) {
            try {
                realms.add(readRealm(file.toString(), Files.readAllBytes(file)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read realm file " + file, e);
            }
            return this;
        }

        /** Wipe data/h2 so every realm is imported from scratch (it also happens when the realm files changed). */
        public Builder freshData(boolean freshData) {
            this.freshData = freshData;
            return this;
        }

        /** Default: {@link #defaultJavaHome()}. */
        public Builder javaHome(Path javaHome) {
            this.javaHome = javaHome;
            return this;
        }

        /** Appended to kc.sh's JVM options (JAVA_OPTS_APPEND); default {@value #DEFAULT_JVM_OPTIONS}. */
        public Builder jvmOptions(String jvmOptions) {
            this.jvmOptions = jvmOptions;
            return this;
        }

        /** Heap options (JAVA_OPTS_KC_HEAP); default {@value #DEFAULT_HEAP}. */
        public Builder heap(String heap) {
            this.heap = heap;
            return this;
        }

        public Builder admin(String username, String password) {
            this.adminUsername = username;
            this.adminPassword = password;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** Unpacks and builds if needed, starts Keycloak and waits until every realm answers. */
        public KeycloakServer start() {
            if (realms.isEmpty()) {
                DEMO_REALMS.forEach(this::realmResource);
            }
            if (!Files.isRegularFile(distArchive)) {
                throw new IllegalStateException("Keycloak dist " + distArchive + " does not exist");
            }
            int httpPort = port == 0 ? FreePorts.pick() : port;
            if (FreePorts.inUse(httpPort)) {
                throw new IllegalStateException("port " + httpPort + " on 127.0.0.1 is already in use (another Keycloak?)");
            }
            Map<String, String> env = environment();
            Preparation preparation;
            HomeLock lock;
            try {
                lock = HomeLock.acquire(homeDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock Keycloak home " + homeDir, e);
            }
            try {
                boolean unpacked = unpack(distArchive, homeDir);
                boolean built = build(homeDir, env);
                preparation = new Preparation(unpacked, built, prepareData(homeDir, realms, freshData));
            } catch (IOException e) {
                lock.close();
                throw new UncheckedIOException("preparing Keycloak home " + homeDir, e);
            } catch (InterruptedException e) {
                lock.close();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while preparing Keycloak", e);
            } catch (RuntimeException e) {
                lock.close();
                throw e;
            }
            try {
                return launch(httpPort, env, preparation, lock);
            } catch (RuntimeException e) {
                lock.close();
                throw e;
            }
        }

        private Map<String, String> environment() {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("JAVA_HOME", (javaHome != null ? javaHome : defaultJavaHome()).toString());
            env.put("KC_BOOTSTRAP_ADMIN_USERNAME", adminUsername);
            env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
            env.put("JAVA_OPTS_KC_HEAP", heap);
            env.put("JAVA_OPTS_APPEND", jvmOptions);
            return env;
        }

        private KeycloakServer launch(int httpPort, Map<String, String> env, Preparation preparation, HomeLock lock) {
            // under the orphan guard: a launcher that exits while Keycloak is still starting (Ctrl-C, SIGTERM during
            // start-up) takes it along instead of leaving it holding the port. The guard's SIGTERM reaches kc.sh,
            // whose trap passes it on to the JVM it runs in the background (KeycloakServerTest checks the JVM ends)
            List<String> command = new ArrayList<>(ProcessTree.orphanGuard("keycloak"));
            command.addAll(List.of(homeDir.resolve("bin/kc.sh").toString(), "start", "--optimized",
                    "--http-enabled=true", "--http-host=127.0.0.1", "--http-port=" + httpPort,
                    // the issuer follows the request URL: callers use 127.0.0.1 throughout
                    "--hostname-strict=false",
                    // without it the default ispn cache forms a cluster and opens non-loopback ports
                    "--cache=local",
                    "--import-realm"));
            Path log = homeDir.resolve("keycloak.log");
            // stdin stays the pipe the guard watches; the guard gives Keycloak /dev/null
            ProcessBuilder pb = new ProcessBuilder(command).directory(homeDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            useOnly(pb, env);
            long started = System.nanoTime();
            Process process;
            try {
                process = pb.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot launch " + homeDir.resolve("bin/kc.sh"), e);
            }
            try {
                awaitRealms(process, httpPort, log);
            } catch (RuntimeException e) {
                ProcessTree.stop(process, Duration.ofSeconds(10));
                throw e;
            }
            Duration startup = Duration.ofNanos(System.nanoTime() - started);
            return new KeycloakServer(process, homeDir, httpPort, realms.stream().map(Realm::name).toList(), startup,
                    preparation, lock);
        }

        /** Ready = every realm's discovery document answers 200 (the realms are imported before HTTP opens). */
        private void awaitRealms(Process process, int httpPort, Path log) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + startTimeout.toNanos();
            for (Realm realm : realms) {
                URI uri = URI.create("http://127.0.0.1:" + httpPort + "/realms/" + realm.name()
                        + "/.well-known/openid-configuration");
                while (true) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Keycloak exited with code " + process.exitValue()
                                + " before realm " + realm.name() + " answered; see " + log + "\n" + tail(log));
                    }
                    if (status(http, uri) == 200) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Keycloak realm " + realm.name() + " not ready within "
                                + startTimeout + "; see " + log + "\n" + tail(log));
                    }
                    ProcessTree.pause(Duration.ofMillis(200));
                }
            }
        }

        private static int status(HttpClient http, URI uri) {
            try {
                HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
                return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Keycloak", e);
            }
        }
    }
}
