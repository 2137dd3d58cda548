package org.crosstenant.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.crosstenant.stack.infra.KafkaBroker;
import org.crosstenant.stack.infra.KeycloakServer;
import org.crosstenant.stack.infra.PostgresServer;
import org.crosstenant.stack.infra.jwt.RsaKeys;

/**
 * Brings up the whole suite on one machine: real PostgreSQL, Kafka and Keycloak, the demo upstream and the four built
 * services, in dependency order and in parallel where nothing depends on anything else. {@link #close()} stops every
 * process it started, the last started first.
 */
public final class LocalStack implements AutoCloseable {

    public static final List<String> TENANTS = List.of("contoso", "fabrikam");
    // generous: on a loaded machine (a build beside the stack) a first start takes minutes; a healthy start needs seconds
    private static final Duration SERVICE_READY_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration KEYCLOAK_START_TIMEOUT = Duration.ofMinutes(15);

    private final StackSettings settings;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, ProcessHandle> processes = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile Consumer<String> progress = message -> { };
    private final Map<String, ServiceProcess> current = new HashMap<>();
    private final List<CompletableFuture<?>> pending = new ArrayList<>();
    private PostgresServer postgres;
    private volatile boolean closed;
    /** Module → environment variables set on top of the stack's own for that service (tests, e.g. a short grant). */
    private final Map<String, Map<String, String>> serviceEnv;
    /** Module → environment variables its next supervised restart adds ({@link #reconfigure}): a redeployment. */
    private final Map<String, Map<String, String>> nextRestartEnv = new ConcurrentHashMap<>();

    public LocalStack(StackSettings settings) {
        this(settings, Map.of());
    }

    /**
     * @param settings   where and how the stack runs
     * @param serviceEnv per module ({@code invitation-service}, {@code policy-service}, {@code audit-service},
     *                   {@code gateway}): environment variables (Quarkus/SmallRye config names) that override the
     *                   stack's own for that service, e.g. {@code INVITATION_GRANT_VALIDITY=PT60S} for a walk that
     *                   watches a grant expire. Kept across supervised restarts.
     */
    public LocalStack(StackSettings settings, Map<String, Map<String, String>> serviceEnv) {
        this.settings = settings;
        this.serviceEnv = Map.copyOf(serviceEnv);
    }

    /** Starts everything and returns once every component answers as ready; on failure stops what it started. */
    public static LocalStack start(StackSettings settings, Consumer<String> progress) {
        return start(settings, Map.of(), progress);
    }

    /**
     * The same with per-service environment overrides ({@link #LocalStack(StackSettings, Map)}).
     */
    public static LocalStack start(StackSettings settings, Map<String, Map<String, String>> serviceEnv,
            Consumer<String> progress) {
        LocalStack stack = new LocalStack(settings, serviceEnv);
        stack.bringUp(progress);
        return stack;
    }

    /**
     * Starts every component, returning once all answer as ready. On failure it stops what it started and rethrows;
     * {@link #close()} may be called from another thread (a signal) at any time, also while this runs.
     */
    public void bringUp(Consumer<String> progress) {
        this.progress = progress;
        try {
            startAll(progress);
        } catch (RuntimeException | Error e) {
            awaitPendingStarts();
            close();
            throw e;
        }
    }

    /**
     * Changes a service's configuration for its next supervised restart ({@link StackSettings#restartDelay()} set),
     * as a redeployment with a new configuration would: a test sets the variables, stops the service, and the stack
     * starts it again with them (kept for every later restart). Without supervision nothing restarts it.
     *
     * @param module a service module, e.g. {@code invitation-service}
     * @param env    environment variables (Quarkus/SmallRye config names) set on top of its current ones
     */
    public void reconfigure(String module, Map<String, String> env) {
        nextRestartEnv.merge(module, Map.copyOf(env), (before, added) -> {
            Map<String, String> merged = new HashMap<>(before);
            merged.putAll(added);
            return Map.copyOf(merged);
        });
    }

    public StackSettings settings() {
        return settings;
    }

    /** Every child process of the stack by component name (the embedded upstream runs in this JVM). */
    public Map<String, ProcessHandle> processes() {
        synchronized (processes) {
            return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(processes));
        }
    }

    private void startAll(Consumer<String> progress) {
        Path home = settings.home();
        createDirectories(home);
        createDirectories(settings.logs());
        Path keys = gatewayKeys(home.resolve("keys"));

        // the three pieces of infrastructure do not depend on each other: start them side by side
        CompletableFuture<PostgresServer> postgresStart = async(() -> startPostgres(progress));
        CompletableFuture<KafkaBroker> kafkaStart = async(() -> {
            progress.accept("starting Kafka on " + settings.kafkaBootstrap());
            return KafkaBroker.start(KafkaBroker.defaultLibs(), home.resolve("kafka"), settings.ports().kafka(),
                    settings.ports().kafkaController());
        });
        CompletableFuture<KeycloakServer> keycloakStart = async(() -> {
            progress.accept("starting Keycloak on " + settings.keycloakUrl() + " (realms " + TENANTS + ")");
            return KeycloakServer.builder(KeycloakServer.defaultDistArchive(), home.resolve("keycloak"))
                    .port(settings.ports().keycloak())
                    .freshData(settings.fresh())
                    .startTimeout(KEYCLOAK_START_TIMEOUT)
                    .start();
        });
        postgres = join(postgresStart);
        KafkaBroker kafka = join(kafkaStart);
        ProcessHandle.of(kafka.pid()).ifPresent(handle -> processes.put("kafka", handle));
        progress.accept("PostgreSQL and Kafka ready");

        register(DemoUpstream.start(settings.ports().demoUpstream(), settings.gatewayUrl()));

        Map<String, String> common = new HashMap<>();
        common.put("KAFKA_BOOTSTRAP_SERVERS", settings.kafkaBootstrap());
        common.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", keys.resolve("gateway-public.pem").toString());
        // the tenant registry (issue #7): an invitee's address must be of its tenant's domains
        Map<String, String> invitationEnv = new HashMap<>(databaseEnv(common, "invitation"));
        invitationEnv.put("CROSSTENANT_TENANTS_CONTOSO_DOMAINS", "contoso.example");
        invitationEnv.put("CROSSTENANT_TENANTS_FABRIKAM_DOMAINS", "fabrikam.example,fabrikam-labs.example");
        // Shared Signals (issue #8 bullet 7): SETs name the gateway as issuer; local receivers may be plain http on
        // this machine; no signing key is configured, so invitation-service signs with an ephemeral one
        invitationEnv.put("CROSSTENANT_SSF_ISSUER", settings.gatewayUrl());
        invitationEnv.put("CROSSTENANT_SSF_ALLOW_INSECURE_RECEIVERS", "true");
        List<ServiceProcess> services = List.of(
                startService("invitation-service", settings.ports().invitation(), invitationEnv),
                startService("policy-service", settings.ports().policy(), databaseEnv(common, "policy")),
                startService("audit-service", settings.ports().audit(), auditEnv(common, home.resolve("keys"))),
                // each demo tenant's witness of the audit log (issue #9): outside the services, called by audit-service
                startService(WITNESS + "-contoso", WITNESS_MODULE, settings.ports().witnessContoso(),
                        witnessEnv("contoso", home)),
                startService(WITNESS + "-fabrikam", WITNESS_MODULE, settings.ports().witnessFabrikam(),
                        witnessEnv("fabrikam", home)));

        KeycloakServer keycloak = join(keycloakStart);
        processes.put("keycloak", keycloak.process());
        progress.accept("Keycloak ready");

        Map<String, String> gatewayEnv = new HashMap<>();
        gatewayEnv.put("KAFKA_BOOTSTRAP_SERVERS", settings.kafkaBootstrap());
        // the gateway derives each tenant's issuer (<base>/realms/<tenant>) from this
        gatewayEnv.put("CROSSTENANT_GATEWAY_OIDC_BASE_URL", settings.keycloakUrl());
        gatewayEnv.put("CROSSTENANT_GATEWAY_SIGNING_KEY_PRIVATE_LOCATION", keys.resolve("gateway-private.pem").toString());
        gatewayEnv.put("CROSSTENANT_GATEWAY_SIGNING_KEY_PUBLIC_LOCATION", keys.resolve("gateway-public.pem").toString());
        gatewayEnv.put("CROSSTENANT_GATEWAY_SERVICES_INVITATION_URL", "http://127.0.0.1:" + settings.ports().invitation());
        gatewayEnv.put("CROSSTENANT_GATEWAY_SERVICES_POLICY_URL", "http://127.0.0.1:" + settings.ports().policy());
        gatewayEnv.put("CROSSTENANT_GATEWAY_SERVICES_AUDIT_URL", "http://127.0.0.1:" + settings.ports().audit());
        ServiceProcess gateway = startService("gateway", settings.ports().gateway(), gatewayEnv);

        for (ServiceProcess service : services) {
            awaitReady(service);
            progress.accept(service.name() + " ready on http://127.0.0.1:" + service.port());
        }
        awaitReady(gateway);
        progress.accept("gateway ready on " + settings.gatewayUrl());
        writeStackProperties();
    }

    /**
     * {@code <home>/run/stack.properties}: where everything listens, for the bench ({@code bench/run.sh
     * --use-running}); the PostgreSQL credentials are those of the local stack's own server.
     */
    private void writeStackProperties() {
        java.util.Properties properties = new java.util.Properties();
        StackSettings.Ports ports = settings.ports();
        properties.setProperty("gateway.url", settings.gatewayUrl());
        properties.setProperty("keycloak.url", settings.keycloakUrl());
        properties.setProperty("kafka.bootstrap", settings.kafkaBootstrap());
        properties.setProperty("invitation.url", "http://127.0.0.1:" + ports.invitation());
        properties.setProperty("policy.url", "http://127.0.0.1:" + ports.policy());
        properties.setProperty("audit.url", "http://127.0.0.1:" + ports.audit());
        for (String tenant : TENANTS) {
            properties.setProperty("witness." + tenant + ".url", settings.witnessUrl(tenant));
            properties.setProperty("witness." + tenant + ".vkey", witnessVkey(settings.home().resolve("keys"), tenant));
        }
        properties.setProperty("postgres.jdbc-url", postgres.jdbcUrl("bench"));
        properties.setProperty("postgres.username", postgres.username());
        properties.setProperty("postgres.password", postgres.password() == null ? "" : postgres.password());
        properties.setProperty("jvm", settings.jvm().name().toLowerCase(java.util.Locale.ROOT));
        properties.setProperty("restart-delay-ms",
                settings.restartDelay() == null ? "-1" : Long.toString(settings.restartDelay().toMillis()));
        createDirectories(settings.run());
        try (java.io.Writer out = Files.newBufferedWriter(settings.run().resolve("stack.properties"))) {
            properties.store(out, "written by the local stack at start; read by bench/run.sh");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private PostgresServer startPostgres(Consumer<String> progress) {
        PostgresServer server;
        if (settings.postgresUrl() != null) {
            progress.accept("using the PostgreSQL server given by URL");
            server = externalPostgres(settings.postgresUrl());
        } else {
            progress.accept("starting embedded PostgreSQL on 127.0.0.1:" + settings.ports().postgres());
            server = PostgresServer.start(settings.home().resolve("postgres"), settings.ports().postgres());
        }
        // bench: the database where the bench measures a PostgreSQL commit (the floor), apart from the services' data
        for (String database : List.of("invitation", "policy", "audit", "bench")) {
            server.ensureDatabase(database);
        }
        return server;
    }

    /** {@code postgresql://user:password@host:port} (the database part, if any, is ignored: each service has its own). */
    static PostgresServer externalPostgres(String url) {
        java.net.URI uri = java.net.URI.create(url.startsWith("jdbc:") ? url.substring(5) : url);
        String userInfo = uri.getUserInfo();
        if (!"postgresql".equals(uri.getScheme()) || uri.getHost() == null || userInfo == null || !userInfo.contains(":")) {
            throw new IllegalArgumentException("expected postgresql://user:password@host:port as PostgreSQL URL");
        }
        String user = java.net.URLDecoder.decode(userInfo.substring(0, userInfo.indexOf(':')), java.nio.charset.StandardCharsets.UTF_8);
        String password = java.net.URLDecoder.decode(userInfo.substring(userInfo.indexOf(':') + 1), java.nio.charset.StandardCharsets.UTF_8);
        return PostgresServer.external(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432, user, password);
    }

    private Map<String, String> databaseEnv(Map<String, String> common, String database) {
        Map<String, String> env = new HashMap<>(common);
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", postgres.reactiveUrl(database));
        env.put("QUARKUS_DATASOURCE_JDBC_URL", postgres.jdbcUrl(database));
        env.put("QUARKUS_DATASOURCE_USERNAME", postgres.username());
        env.put("QUARKUS_DATASOURCE_PASSWORD", postgres.password());
        return env;
    }

    /**
     * Waits until the service answers as ready. Under supervision ({@link StackSettings#restartDelay()}) a service
     * that exits while starting (e.g. its database connection timed out on a busy machine) is started again, so
     * the wait follows its latest process until the overall timeout.
     */
    private void awaitReady(ServiceProcess first) {
        long deadline = System.nanoTime() + SERVICE_READY_TIMEOUT.toNanos();
        ServiceProcess service = first;
        while (true) {
            try {
                service.awaitReady(Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1)));
                return;
            } catch (IllegalStateException e) {
                if (settings.restartDelay() == null || System.nanoTime() > deadline || closed) {
                    throw e;
                }
                progress.accept(service.name() + " is not ready (" + e.getMessage() + "); waiting for its restart");
                org.crosstenant.stack.infra.ProcessTree.pause(settings.restartDelay().plusSeconds(1));
                synchronized (current) {
                    service = current.getOrDefault(service.name(), service);
                }
            }
        }
    }

    private ServiceProcess startService(String module, int port, Map<String, String> env) {
        return startService(module, module, port, env);
    }

    /** Starts a built module as the component {@code name} (its log, pid file, overrides and restarts go by name). */
    private ServiceProcess startService(String name, String module, int port, Map<String, String> env) {
        Map<String, String> withOverrides = new HashMap<>(env);
        withOverrides.putAll(serviceEnv.getOrDefault(name, Map.of()));
        return launch(name, module, port, withOverrides, false);
    }

    private ServiceProcess launch(String name, String module, int port, Map<String, String> env, boolean restart) {
        ServiceProcess service = register(ServiceProcess.start(name, module, settings.repoRoot(), port, env,
                settings.logs(), settings.jvm().options(), restart));
        processes.put(name, service.handle());
        synchronized (current) {
            current.put(name, service);
        }
        CompletableFuture.runAsync(() -> writePidFile(name, service));
        if (settings.restartDelay() != null) {
            service.onExit().thenRun(() -> restartAfterExit(name, module, port, env, service));
        }
        return service;
    }

    /** Supervision ({@link StackSettings#restartDelay()}): a service that exited on its own is started again. */
    private void restartAfterExit(String name, String module, int port, Map<String, String> env,
            ServiceProcess exited) {
        synchronized (started) {
            if (closed || !started.remove(exited)) {
                return; // stopped by close(): nothing to restart
            }
        }
        progress.accept(name + " exited; starting it again in " + settings.restartDelay().toMillis() + " ms");
        org.crosstenant.stack.infra.ProcessTree.pause(settings.restartDelay());
        try {
            Map<String, String> redeployed = new HashMap<>(env);
            redeployed.putAll(nextRestartEnv.getOrDefault(name, Map.of()));
            ServiceProcess again = launch(name, module, port, redeployed, true);
            progress.accept(name + " started again (pid " + again.jvm().pid() + ")");
        } catch (RuntimeException e) {
            progress.accept(name + " could not be started again: " + e.getMessage());
        }
    }

    /** {@code <home>/run/<module>.pid}: the service's JVM (not its orphan guard), once it is forked. */
    private void writePidFile(String module, ServiceProcess service) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        ProcessHandle jvm = service.jvm();
        while (jvm.pid() == service.pid() && service.handle().isAlive() && System.nanoTime() < deadline) {
            org.crosstenant.stack.infra.ProcessTree.pause(Duration.ofMillis(5));
            jvm = service.jvm();
        }
        try {
            createDirectories(settings.run());
            Path file = settings.run().resolve(module + ".pid");
            Path temporary = settings.run().resolve(module + ".pid.tmp");
            Files.writeString(temporary, Long.toString(jvm.pid()));
            Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            progress.accept("could not write the pid file of " + module + ": " + e.getMessage());
        }
    }

    /** audit-service's environment: its database, the stack's checkpoint signing key and the tenants' witnesses. */
    private Map<String, String> auditEnv(Map<String, String> common, Path keys) {
        Map<String, String> env = new HashMap<>(databaseEnv(common, "audit"));
        env.put("CROSSTENANT_AUDIT_CHECKPOINT_SIGNING_KEY", auditCheckpointKey(keys));
        for (String tenant : TENANTS) {
            String prefix = "CROSSTENANT_AUDIT_WITNESSES_" + tenant.toUpperCase(java.util.Locale.ROOT) + "_";
            env.put(prefix + "URL", settings.witnessUrl(tenant));
            env.put(prefix + "VKEY", witnessVkey(keys, tenant));
            env.put(prefix + "TENANT", tenant);
        }
        return env;
    }

    /** A tenant's witness: its key, its state under the stack home, and the audit log it witnesses. */
    private Map<String, String> witnessEnv(String tenant, Path home) {
        Path keys = home.resolve("keys");
        Map<String, String> env = new HashMap<>();
        env.put("CROSSTENANT_WITNESS_SIGNING_KEY", witnessKey(keys, tenant));
        env.put("CROSSTENANT_WITNESS_STATE_DIRECTORY", home.resolve("witness").resolve(tenant).toString());
        env.put("CROSSTENANT_WITNESS_LOGS_AUDIT_ORIGIN", AUDIT_ORIGIN);
        env.put("CROSSTENANT_WITNESS_LOGS_AUDIT_VKEY", org.crosstenant.platform.tlog.NoteSigner
                .parse(auditCheckpointKey(keys)).verifierKey().vkey());
        return env;
    }

    /** The witness runnable (issue #9 item 4), started once per demo tenant as {@code witness-<tenant>}. */
    static final String WITNESS = "witness";
    static final String WITNESS_MODULE = "deploy/witness";

    /**
     * A tenant's witness key (C2SP tlog-cosignature, signed-note private key text form), made once per stack home in
     * {@code keys/witness-<tenant>.skey}, named {@code witness.<tenant>.example}.
     */
    static String witnessKey(Path dir, String tenant) {
        return signerKey(dir, "witness-" + tenant + ".skey", "witness." + tenant + ".example",
                org.crosstenant.platform.tlog.NoteKey.COSIGNATURE);
    }

    /** @return the vkey of a tenant's witness (made on first use, as {@link #witnessKey}) */
    static String witnessVkey(Path dir, String tenant) {
        return org.crosstenant.platform.tlog.NoteSigner.parse(witnessKey(dir, tenant)).verifierKey().vkey();
    }

    /**
     * The audit log's checkpoint signing key (signed-note private key text form), made once per stack home so that
     * checkpoints signed before a restart still verify with the published key after it (docs/audit.md).
     */
    static String auditCheckpointKey(Path dir) {
        return signerKey(dir, "audit-checkpoint.skey", AUDIT_ORIGIN, org.crosstenant.platform.tlog.NoteKey.ED25519);
    }

    /** A signed-note private key kept in {@code dir/file} (owner-only), generated on first use. */
    private static String signerKey(Path dir, String fileName, String keyName, byte type) {
        Path file = dir.resolve(fileName);
        try {
            if (!Files.exists(file)) {
                createDirectories(dir);
                String skey = org.crosstenant.platform.tlog.NoteSigner.generate(keyName, type).skey();
                Path temporary = dir.resolve(fileName + ".tmp");
                Files.writeString(temporary, skey + "\n");
                try {
                    Files.setPosixFilePermissions(temporary, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: left as created
                }
                Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The gateway's signing key pair, made once per stack home so tokens stay verifiable across restarts. */
    /** The audit log's origin (audit-service's default {@code crosstenant.audit.checkpoint.origin}). */
    static final String AUDIT_ORIGIN = "crosstenant.example/audit";

    private static Path gatewayKeys(Path dir) {
        Path privateKey = dir.resolve("gateway-private.pem");
        Path publicKey = dir.resolve("gateway-public.pem");
        if (!Files.exists(privateKey) || !Files.exists(publicKey)) {
            createDirectories(dir);
            java.security.KeyPair pair = RsaKeys.generate();
            RsaKeys.writePrivatePem(pair.getPrivate(), privateKey);
            RsaKeys.writePublicPem(pair.getPublic(), publicKey);
        }
        return dir;
    }

    private <T extends AutoCloseable> T register(T component) {
        synchronized (started) {
            if (!closed) {
                started.add(component);
                return component;
            }
        }
        // the stack was stopped while this component was starting: stop it right away, then give up
        closeQuietly(component);
        throw new IllegalStateException("the local stack was stopped while starting");
    }

    private static void closeQuietly(AutoCloseable component) {
        long begin = System.nanoTime();
        try {
            component.close();
            System.out.printf("[local-stack] stopped %s in %d ms%n", component, (System.nanoTime() - begin) / 1_000_000);
        } catch (Exception e) {
            System.err.println("could not stop " + component + ": " + e);
        }
    }

    /** Runs a start step in the background; what it starts is registered for {@link #close()} as soon as it is up. */
    private <T extends AutoCloseable> CompletableFuture<T> async(Supplier<T> step) {
        CompletableFuture<T> future = CompletableFuture.supplyAsync(() -> register(step.get()));
        pending.add(future);
        return future;
    }

    /** After a failure, lets sibling start steps finish so that what they start is stopped too (no orphans). */
    private void awaitPendingStarts() {
        for (CompletableFuture<?> future : pending) {
            try {
                future.join();
            } catch (RuntimeException alreadyReported) {
                // the first failure is the one the caller sees
            }
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        List<AutoCloseable> toStop;
        synchronized (started) {
            closed = true;
            toStop = new ArrayList<>(started);
            started.clear();
        }
        // the services first, side by side (they flush to Kafka and PostgreSQL while stopping), then the rest
        List<CompletableFuture<Void>> services = toStop.stream().filter(ServiceProcess.class::isInstance)
                .map(service -> CompletableFuture.runAsync(() -> closeQuietly(service))).toList();
        services.forEach(CompletableFuture::join);
        java.util.Collections.reverse(toStop);
        toStop.stream().filter(component -> !(component instanceof ServiceProcess)).forEach(LocalStack::closeQuietly);
    }
}
