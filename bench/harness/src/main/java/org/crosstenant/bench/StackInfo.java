package org.crosstenant.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The running local stack as its launcher describes it in {@code <home>/run/stack.properties} (URLs, Kafka, the bench
 * database's credentials, JVM profile, restart supervision) and {@code <home>/run/<service>.pid}.
 */
final class StackInfo {

    static final List<String> SERVICES = List.of("gateway", "invitation-service", "policy-service", "audit-service");

    private final Path run;
    private final Properties properties;

    private StackInfo(Path run, Properties properties) {
        this.run = run;
        this.properties = properties;
    }

    /** @throws IllegalStateException when the stack was not started by a launcher that writes the file */
    static StackInfo read(Path home) {
        Path run = home.resolve("run");
        Path file = run.resolve("stack.properties");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: start the stack with deploy/run-local-stack.sh"
                    + " (this checkout's launcher writes it once the stack is ready)");
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new StackInfo(run, properties);
    }

    String get(String key) {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("stack.properties has no " + key);
        }
        return value;
    }

    String gateway() {
        return get("gateway.url");
    }

    String keycloak() {
        return get("keycloak.url");
    }

    String kafka() {
        return get("kafka.bootstrap");
    }

    /** The service's own URL (loopback), for /q/metrics and /q/health; the gateway's for "gateway". */
    String serviceUrl(String service) {
        return service.equals("gateway") ? gateway() : get(service.replace("-service", "") + ".url");
    }

    /** Milliseconds after which the launcher starts a crashed service again; empty when it does not. */
    Optional<Long> restartDelayMillis() {
        long delay = Long.parseLong(properties.getProperty("restart-delay-ms", "-1"));
        return delay < 0 ? Optional.empty() : Optional.of(delay);
    }

    String jvm() {
        return properties.getProperty("jvm", "unknown");
    }

    /** The service's JVM as the launcher last recorded it, if that process is alive. */
    Optional<ProcessHandle> process(String service) {
        Path file = run.resolve(service + ".pid");
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(Files.readString(file).trim())).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
